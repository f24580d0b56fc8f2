using Serverless.Cli.Triggers;

namespace Serverless.Cli.Tests.Triggers;

public sealed class FilterExpressionTests
{
    [Theory]
    [InlineData("none", new string[0], "")]
    [InlineData("one", new[] { "type=com.example.created" }, "type=com.example.created")]
    [InlineData("two, sorted", new[] { "type=t", "source=/orders" }, "source=/orders;type=t")]
    [InlineData("value with '='", new[] { "subject=a=b" }, "subject=a=b")]
    [InlineData("empty value", new[] { "subject=" }, "subject=")]
    [InlineData("extension attribute", new[] { "tenant42=acme" }, "tenant42=acme")]
    public void TryParse_Valid_Attributes(string label, string[] filters, string expected)
    {
        var parsed = FilterExpression.TryParse(filters, out var error);

        Assert.True(parsed is not null, $"{label}: {error}");
        Assert.Equal(expected, string.Join(";", parsed.Select(p => p.Key + "=" + p.Value)));
    }

    [Theory]
    [InlineData("no equals", "type", "is not ATTRIBUTE=VALUE")]
    [InlineData("no attribute", "=x", "is not ATTRIBUTE=VALUE")]
    [InlineData("uppercase", "Type=x", "not a CloudEvents attribute name")]
    [InlineData("dash", "my-attr=x", "not a CloudEvents attribute name")]
    [InlineData("too long", "abcdefghijklmnopqrstu=x", "not a CloudEvents attribute name")]
    public void TryParse_Invalid_NamesTheProblem(string label, string filter, string expected)
    {
        Assert.Null(FilterExpression.TryParse([filter], out var error));
        Assert.True(error?.Contains(expected, StringComparison.Ordinal) == true, $"{label}: {error}");
    }

    [Fact]
    public void TryParse_SameAttributeTwice_Error()
    {
        Assert.Null(FilterExpression.TryParse(["type=a", "type=b"], out var error));
        Assert.Contains("type is given twice", error, StringComparison.Ordinal);
    }
}
