using Serverless.Cli.Platform;

namespace Serverless.Cli.Tests.Platform;

public sealed class PlatformLauncherTests
{
    [Fact]
    public void Arguments_AsTheHostContractDefines()
    {
        var argv = PlatformLauncher.Arguments("/o/platform/Serverless.Platform.dll", "/h", new ListenAddress("127.0.0.1", 0), new ListenAddress("::1", 8081));

        Assert.Equal(["/o/platform/Serverless.Platform.dll", "--home", "/h", "--ingress", "127.0.0.1:0", "--admin", "[::1]:8081"], argv);
    }

    [Fact]
    public void Arguments_NoSandbox_Appended()
    {
        var argv = PlatformLauncher.Arguments("/p.dll", "/h", new ListenAddress("127.0.0.1", 0), new ListenAddress("127.0.0.1", 0), sandbox: false);

        Assert.Equal("--no-sandbox", argv[^1]);
    }

    [Fact]
    public void Arguments_LogFile_AppendedForTheDetachedPlatformToRotate()
    {
        var argv = PlatformLauncher.Arguments("/p.dll", "/h", new ListenAddress("127.0.0.1", 0), new ListenAddress("127.0.0.1", 0), logFile: "/h/logs/platform.log");

        Assert.Equal(["--log-file", "/h/logs/platform.log"], argv.TakeLast(2));
    }

    [Fact]
    public void Arguments_KubeconfigAndPlainHttp_PassedOnWithAnAbsolutePath()
    {
        var argv = PlatformLauncher.Arguments("/p.dll", "/h", new ListenAddress("127.0.0.1", 0), new ListenAddress("127.0.0.1", 0), kubeconfig: "/k/config", adminPlainHttp: true);

        Assert.Equal(["--kubeconfig", "/k/config", "--admin-plain-http"], argv.Skip(7));
    }

    [Fact]
    public void ResolvePlatformDll_Default_IsTheInstallLayoutSibling()
    {
        var dll = PlatformLauncher.ResolvePlatformDll(_ => null);

        Assert.Equal(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "platform", "Serverless.Platform.dll")), dll);
    }

    [Fact]
    public void ResolvePlatformDll_Variable_Overrides()
    {
        var dll = PlatformLauncher.ResolvePlatformDll(name => name == "SERVERLESS_PLATFORM_DLL" ? "/x/P.dll" : null);

        Assert.Equal("/x/P.dll", dll);
    }
}
