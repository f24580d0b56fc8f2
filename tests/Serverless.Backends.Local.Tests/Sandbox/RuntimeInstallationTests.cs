using Serverless.Backends.Local.Sandbox;

namespace Serverless.Backends.Local.Tests.Sandbox;

public sealed class RuntimeInstallationTests
{
    private static readonly string[] System = ["/usr", "/etc"];

    [Theory]
    [InlineData("/root/.pyenv/versions/3.11.7/bin/python3.11", "/root/.pyenv/versions/3.11.7")] // {prefix}/bin/x: the prefix
    [InlineData("/usr/share/dotnet/dotnet", "/usr/share/dotnet")] // no bin/: its own folder, where the frameworks are
    [InlineData("/home/u/.nvm/versions/node/v22.1.0/bin/node", "/home/u/.nvm/versions/node/v22.1.0")]
    [InlineData("/usr/bin/node", "/usr")]
    [InlineData("/bin/sh", "/")]
    public void InstallPrefix_Executable_Folder(string executable, string expected)
    {
        Assert.Equal(expected, RuntimeInstallation.InstallPrefix(executable));
    }

    [Fact]
    public void PathsToBind_PrefixAndScriptFolders_ExceptWhatSystemMountsShow()
    {
        var paths = RuntimeInstallation.PathsToBind(
            "/root/.pyenv/versions/3.11.7/bin/python3.11",
            ["/srv/out/runtimes/python/runtime.py", "--flag", "relative.py"],
            System,
            path => path.EndsWith(".py", StringComparison.Ordinal) ? false : null);

        Assert.Equal(["/root/.pyenv/versions/3.11.7", "/srv/out/runtimes/python"], paths);
    }

    [Fact]
    public void PathsToBind_SystemRuntimeAndDirectoryArgument_OnlyTheDirectory()
    {
        var paths = RuntimeInstallation.PathsToBind("/usr/share/dotnet/dotnet", ["/srv/out/runtimes/dotnet"], System, _ => true);

        Assert.Equal(["/srv/out/runtimes/dotnet"], paths);
    }

    [Fact]
    public void PathsToBind_NestedAndMissingPaths_OuterOnceAndMissingIgnored()
    {
        var paths = RuntimeInstallation.PathsToBind(
            "/opt/rt/bin/rt",
            ["/opt/rt/lib/main.js", "/opt/rt/lib/other.js", "/gone/x.js"],
            System,
            path => path.StartsWith("/gone", StringComparison.Ordinal) ? null : false);

        Assert.Equal(["/opt/rt"], paths);
    }
}
