using Serverless.TestSupport;

namespace Serverless.Platform.Tests.State;

public sealed class StartupTests
{
    [Fact]
    public async Task Platform_SecondOnSameHome_RefusesToStart()
    {
        using var home = new TempDirectory("serverless-lock");
        await using var first = await PlatformProcess.StartAsync(home.Path);

        var second = await ProcessRunner.RunAsync(
            "dotnet",
            [RepoPaths.Built("platform", "Serverless.Platform.dll"), "--home", home.Path, "--ingress", "127.0.0.1:0", "--admin", "127.0.0.1:0"],
            timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(1, second.ExitCode);
        Assert.Contains("another platform is running", second.StdErr, StringComparison.Ordinal);
        Assert.False(first.HasExited);
    }

    [Fact]
    public async Task Platform_AfterSigkill_NextOneStarts()
    {
        using var home = new TempDirectory("serverless-lock");
        var first = await PlatformProcess.StartAsync(home.Path);
        first.Kill();
        await ProcessTree.WaitForExitAsync([first.Pid], TimeSpan.FromSeconds(10));
        await first.DisposeAsync();

        await using var second = await PlatformProcess.StartAsync(home.Path);

        Assert.False(second.HasExited);
    }

    [Fact]
    public async Task Platform_PortTaken_ExitsWithAClearMessage()
    {
        using var home = new TempDirectory("serverless-port");
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var result = await ProcessRunner.RunAsync(
            "dotnet",
            [RepoPaths.Built("platform", "Serverless.Platform.dll"), "--home", home.Path, "--ingress", $"127.0.0.1:{port}", "--admin", "127.0.0.1:0"],
            timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"cannot listen on 127.0.0.1:{port} (--ingress)", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(home.Path, "platform.json")));
    }
}
