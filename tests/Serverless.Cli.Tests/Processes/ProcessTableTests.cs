using System.Diagnostics;
using Serverless.Cli.Processes;

namespace Serverless.Cli.Tests.Processes;

public sealed class ProcessTableTests
{
    [Fact]
    public void IsAlive_ThisProcess_True()
    {
        Assert.True(new ProcessTable().IsAlive(Environment.ProcessId));
    }

    [Fact]
    public async Task IsAlive_ExitedChild_False()
    {
        using var child = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await child.WaitForExitAsync();

        Assert.False(new ProcessTable().IsAlive(child.Id));
    }

    [Fact]
    public void IsAlive_NonPositivePid_False()
    {
        Assert.False(new ProcessTable().IsAlive(0));
        Assert.False(new ProcessTable().IsAlive(-5));
    }

    [Fact]
    public async Task Signal_SigTermToChild_EndsItAndThenReportsGone()
    {
        using var child = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        var table = new ProcessTable();

        Assert.True(table.Signal(child.Id, NativeMethods.SigTerm));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await child.WaitForExitAsync(timeout.Token);

        Assert.Equal(128 + NativeMethods.SigTerm, child.ExitCode);
        Assert.False(table.Signal(child.Id, NativeMethods.SigTerm));
    }

    [Fact]
    public void CommandLine_ThisProcess_HasArguments()
    {
        var argv = new ProcessTable().CommandLine(Environment.ProcessId);

        Assert.NotNull(argv);
        Assert.NotEmpty(argv);
    }
}
