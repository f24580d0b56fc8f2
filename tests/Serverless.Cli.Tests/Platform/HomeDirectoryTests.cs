using Serverless.Cli.Platform;
using Serverless.TestSupport;

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

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Create_Missing_OwnerOnly()
    {
        using var temp = new TempDirectory();
        var home = Path.Combine(temp.Path, "a", "home");

        HomeDirectory.Create(home);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(home));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task AppendToPlatformLog_NewOrLooseLog_OwnerReadWriteOnly()
    {
        using var home = new TempDirectory();
        await HomeDirectory.AppendToPlatformLogAsync(home.Path, "one\n", CancellationToken.None);
        var log = HomeDirectory.PlatformLog(home.Path);
        var created = File.GetUnixFileMode(log);
        File.SetUnixFileMode(log, (UnixFileMode)0b110_100_100);

        await HomeDirectory.AppendToPlatformLogAsync(home.Path, "two\n", CancellationToken.None);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, created);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(log));
        Assert.Equal("one\ntwo\n", await File.ReadAllTextAsync(log));
    }
}
