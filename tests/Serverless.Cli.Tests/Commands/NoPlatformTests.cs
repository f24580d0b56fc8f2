using Serverless.Cli.Tests.Fakes;
using Serverless.Cli.Tests.Targets.Local;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Commands;

public sealed class NoPlatformTests
{
    public static TheoryData<string[]> AdminCommands => new()
    {
        { ["status"] },
        { ["list"] },
        { ["list", "-A"] },
        { ["describe", "hello"] },
        { ["delete", "hello"] },
        { ["invoke", "hello"] },
    };

    [Theory]
    [MemberData(nameof(AdminCommands))]
    public async Task Command_NoStateFile_Exits1SayingRunFuncUp(string[] args)
    {
        using var cli = new CliHarness();

        var result = await cli.RunAsync(args);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("the local platform is not running: run `func up`", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AdminCommands))]
    public async Task Command_StateFileOfDeadPid_Exits1SayingRunFuncUp(string[] args)
    {
        using var cli = new CliHarness();
        cli.PointAt(new Uri("http://127.0.0.1:1"), pid: await DeadPidAsync());

        var result = await cli.RunAsync(args);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("the local platform is not running: run `func up`", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AdminCommands))]
    public async Task Command_AdminPortRefusesConnections_Exits1SayingRunFuncUp(string[] args)
    {
        using var cli = new CliHarness();
        cli.PointAt(new Uri($"http://127.0.0.1:{AdminClientTests.ClosedPort()}"));

        var result = await cli.RunAsync(args);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("run `func up`", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_NoPlatform_FailsBeforeBuilding()
    {
        using var cli = new CliHarness();
        using var source = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(source.Path, "func.yaml"), "name: a\nruntime: node\n");

        var result = await cli.RunAsync("deploy", source.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("the local platform is not running: run `func up`", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(cli.Home, "artifacts")));
    }

    [Fact]
    public async Task Down_NotRunning_Exits0WithMessage()
    {
        using var cli = new CliHarness();

        var result = await cli.RunAsync("down");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("the local platform is not running\n", result.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Down_StaleStateFile_RemovesItAndExits0()
    {
        using var cli = new CliHarness();
        cli.PointAt(new Uri("http://127.0.0.1:1"), pid: await DeadPidAsync());

        var result = await cli.RunAsync("down");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("removed a stale platform.json", result.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(cli.Home, "platform.json")));
    }

    [Fact]
    public async Task Down_LiveUnrelatedPidNotAnswering_RemovesStateWithoutSignalling()
    {
        using var cli = new CliHarness();

        // This test host: alive, not a platform, no admin API. It must survive `func down`.
        cli.PointAt(new Uri($"http://127.0.0.1:{AdminClientTests.ClosedPort()}"));

        var result = await cli.RunAsync("down");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("removed a stale platform.json", result.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(cli.Home, "platform.json")));
    }

    [Fact]
    public async Task Up_PlatformDllMissing_Exits1SayingHowToBuildIt()
    {
        using var cli = new CliHarness();
        cli.Environment["SERVERLESS_PLATFORM_DLL"] = "/nonexistent/Serverless.Platform.dll";

        var result = await cli.RunAsync("up", "--detach");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("the platform host is missing: /nonexistent/Serverless.Platform.dll", result.Error, StringComparison.Ordinal);
        Assert.Contains("scripts/build", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_DetachedPlatformExitsAtOnce_Exits1WithLogTail()
    {
        using var cli = new CliHarness();
        using var dir = new TempDirectory();

        // Not a real assembly: dotnet fails at once, which is what a broken platform looks like.
        var bogus = Path.Combine(dir.Path, "Serverless.Platform.dll");
        await File.WriteAllTextAsync(bogus, "not an assembly");
        cli.Environment["SERVERLESS_PLATFORM_DLL"] = bogus;

        var result = await cli.RunAsync("up", "--detach", "--ingress", "127.0.0.1:0", "--admin", "127.0.0.1:0");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("the platform exited with code", result.Error, StringComparison.Ordinal);
        Assert.Contains("logs/platform.log", result.Error, StringComparison.Ordinal);
        Assert.Contains("--- func up --detach at", await File.ReadAllTextAsync(Path.Combine(cli.Home, "logs", "platform.log")));
    }

    /// <summary>The pid of a process that has exited.</summary>
    internal static async Task<int> DeadPidAsync()
    {
        using var child = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!;
        await child.WaitForExitAsync();
        return child.Id;
    }
}
