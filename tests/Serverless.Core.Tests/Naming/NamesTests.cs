using Serverless.Core.Naming;

namespace Serverless.Core.Tests.Naming;

public sealed class NamesTests
{
    [Theory]
    [InlineData("plain", "hello", true)]
    [InlineData("trailing newline ('$' would match before it)", "hello\n", false)]
    [InlineData("upper case", "Hello", false)]
    [InlineData("empty", "", false)]
    public void IsDns1123Label_Cases(string label, string value, bool expected)
    {
        Assert.True(expected == Names.IsDns1123Label(value), label);
    }

    public static TheoryData<string, string, bool> Subdomains => new()
    {
        { "single label", "hello", true },
        { "dotted", "a.b-c.d", true },
        { "253 characters", string.Join(".", Enumerable.Repeat(new string('a', 63), 4))[..253], true },
        { "254 characters", new string('a', 254), false },
        { "empty label", "a..b", false },
        { "trailing dot", "a.", false },
        { "trailing newline", "a.b\n", false },
    };

    [Theory]
    [MemberData(nameof(Subdomains))]
    public void IsDns1123Subdomain_Cases(string label, string value, bool expected)
    {
        Assert.True(expected == Names.IsDns1123Subdomain(value), label);
    }

    [Theory]
    [InlineData("name", "app", true)]
    [InlineData("prefixed", "app.kubernetes.io/name", true)]
    [InlineData("mixed case name", "My_App.v1", true)]
    [InlineData("empty", "", false)]
    [InlineData("name starting with dot", ".app", false)]
    [InlineData("empty prefix", "/app", false)]
    [InlineData("trailing newline", "app\n", false)]
    public void IsQualifiedName_Cases(string label, string value, bool expected)
    {
        Assert.True(expected == Names.IsQualifiedName(value), label);
    }

    [Theory]
    [InlineData("identifier", "MY_VAR1", true)]
    [InlineData("leading underscore", "_x", true)]
    [InlineData("leading digit", "1x", false)]
    [InlineData("trailing newline", "X\n", false)]
    public void IsCIdentifier_Cases(string label, string value, bool expected)
    {
        Assert.True(expected == Names.IsCIdentifier(value), label);
    }

    [Fact]
    public void Printable_ControlCharacters_AreEscaped()
    {
        Assert.Equal("a\\u000ab\\u0000c\\u001b", Names.Printable("a\nb\0c\u001b"));
    }
}
