using Serverless.Cli.Platform;

namespace Serverless.Cli.Tests.Platform;

public sealed class HomeDirectoryTests
{
    [Theory]
    [InlineData("/srv/sl", "/home/u", "/srv/sl")]
    [InlineData("/srv/sl/", "/home/u", "/srv/sl/")]
    [InlineData(null, "/home/u", "/home/u/.serverless")]
    [InlineData("", "/home/u", "/home/u/.serverless")]
    public void Resolve_Environment_Home(string? serverlessHome, string home, string expected)
    {
        var env = new Dictionary<string, string?> { ["SERVERLESS_HOME"] = serverlessHome, ["HOME"] = home };

        Assert.Equal(expected, HomeDirectory.Resolve(name => env.GetValueOrDefault(name)));
    }
}
