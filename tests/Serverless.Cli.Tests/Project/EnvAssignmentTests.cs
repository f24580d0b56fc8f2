using Serverless.Cli.Project;

namespace Serverless.Cli.Tests.Project;

public sealed class EnvAssignmentTests
{
    [Theory]
    [InlineData("A=1", "A", "1")]
    [InlineData("GREETING=hello world", "GREETING", "hello world")]
    [InlineData("URL=http://x/?a=b", "URL", "http://x/?a=b")]
    [InlineData("EMPTY=", "EMPTY", "")]
    [InlineData("_x9=y", "_x9", "y")]
    public void TryParse_Valid_NameAndValue(string text, string name, string value)
    {
        var parsed = EnvAssignment.TryParse(text, out var error);

        Assert.Null(error);
        Assert.Equal(new EnvAssignment(name, value), parsed);
    }

    [Theory]
    [InlineData("A", "is not KEY=VALUE")]
    [InlineData("=1", "is not KEY=VALUE")]
    [InlineData("1A=x", "is not a variable name")]
    [InlineData("A-B=x", "is not a variable name")]
    [InlineData("PORT=1", "reserved by the platform")]
    [InlineData("SERVERLESS_ADMIN_TOKEN=x", "reserved by the platform")]
    public void TryParse_Invalid_NamesTheProblem(string text, string expected)
    {
        Assert.Null(EnvAssignment.TryParse(text, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
