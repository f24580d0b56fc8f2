using Serverless.Runtime.Dotnet.Configuration;

namespace Serverless.Runtime.Dotnet.Tests.Configuration;

public sealed class DisplayTextTests
{
    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("", "\"\"")]
    [InlineData("a\"b", "\"a\\\"b\"")]
    [InlineData("a\\b", "\"a\\\\b\"")]
    [InlineData("line\nbreak", "\"line\\u000abreak\"")]
    [InlineData("cr\rtab\t", "\"cr\\u000dtab\\u0009\"")]
    [InlineData("nul\0", "\"nul\\u0000\"")]
    [InlineData("esc\u001b[31m", "\"esc\\u001b[31m\"")]
    [InlineData("sep\u2028", "\"sep\\u2028\"")]
    [InlineData("Ñandú", "\"Ñandú\"")]
    public void Quote_Value_EscapesControlCharactersAndQuotes(string value, string expected)
    {
        Assert.Equal(expected, DisplayText.Quote(value));
    }

    [Theory]
    [InlineData("one line", "one line")]
    [InlineData("first\nsecond", "first second")]
    [InlineData("first\r\n\r\nsecond\n", "first second")]
    [InlineData("a: \n b", "a: b")]
    [InlineData("\nleading", "leading")]
    [InlineData("tab\tand\u2028sep", "tab and sep")]
    public void OneLine_Text_FoldsLineBreaksIntoSpaces(string text, string expected)
    {
        Assert.Equal(expected, DisplayText.OneLine(text));
    }

    [Fact]
    public void Quote_LongValue_IsCut()
    {
        var quoted = DisplayText.Quote(new string('x', 10_000));

        Assert.Equal(200 + 2 + 3, quoted.Length);
        Assert.EndsWith("\"...", quoted, StringComparison.Ordinal);
    }
}
