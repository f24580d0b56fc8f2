using System.Diagnostics;
using Serverless.Cli.App;
using Serverless.Cli.Output;
using Serverless.Cli.Processes;

namespace Serverless.Cli.Running;

/// <summary>
/// One runtime process started by <c>func run</c>: its output is relayed to stderr line by line, and
/// stopping it sends SIGTERM (the runtime drains in-flight requests) before a kill as the last resort.
/// </summary>
internal sealed class RuntimeProcess : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly ProcessTable _processes;

    private RuntimeProcess(Process process, ProcessTable processes)
    {
        _process = process;
        _processes = processes;
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public Task Exited => _process.WaitForExitAsync();

    public static RuntimeProcess Start(LocalRunPlan plan, string workingDirectory, CliConsole console, ProcessTable processes)
    {
        var info = new ProcessStartInfo(plan.Executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in plan.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // The platform's own variables (an admin token) are not the function's business.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("SERVERLESS_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in plan.Environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info };
        DataReceivedEventHandler relay = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (console)
                {
                    console.Note(e.Data);
                }
            }
        };
        process.OutputDataReceived += relay;
        process.ErrorDataReceived += relay;
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            process.Dispose();
            throw new CliException($"cannot start {plan.Executable}: {ex.Message}", $"install {plan.Executable} and make sure it is on PATH", inner: ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new RuntimeProcess(process, processes);
    }

    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        _processes.Signal(_process.Id, NativeMethods.SigTerm);
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _process.Dispose();
    }
}
