using System.Diagnostics;
using System.Text;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Integration;

/// <summary>
/// A <c>func</c> command that keeps running (<c>logs -f</c>, <c>top</c>, <c>run</c>, <c>deploy --watch</c>):
/// started as a real process, its lines collected as they come, stopped with SIGTERM as Ctrl+C would.
/// </summary>
internal sealed class LongRunningCli : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly StringBuilder _stderr = new();
    private readonly SemaphoreSlim _lineArrived = new(0);

    private LongRunningCli(Process process)
    {
        _process = process;
    }

    public string Output
    {
        get
        {
            lock (_stdout)
            {
                return string.Join("\n", _stdout) + "\n--- stderr\n" + Error;
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public int ExitCode => _process.ExitCode;

    public static LongRunningCli Start(string home, string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        info.ArgumentList.Add(RepoPaths.Built("func", "func.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["SERVERLESS_HOME"] = home;
        info.Environment["NO_COLOR"] = "1";
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start func");
        process.StandardInput.Close();
        var cli = new LongRunningCli(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (cli._stdout)
                {
                    cli._stdout.Add(e.Data);
                }

                cli._lineArrived.Release();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (cli._stderr)
                {
                    cli._stderr.AppendLine(e.Data);
                }

                cli._lineArrived.Release();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>The number of stdout lines matching <paramref name="predicate"/> once it reaches <paramref name="count"/>; fails after the timeout.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout, int count = 1, bool inStderr = false)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var lines = inStderr ? Error.Split('\n') : Snapshot();
            var matches = lines.Where(predicate).ToList();
            if (matches.Count >= count)
            {
                return matches[count - 1];
            }

            var left = timeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero || _process.HasExited)
            {
                // One last look: the line may have come with the exit.
                lines = inStderr ? Error.Split('\n') : Snapshot();
                if (lines.Count(predicate) >= count)
                {
                    return lines.Where(predicate).ElementAt(count - 1);
                }

                throw new TimeoutException($"no such line after {deadline.Elapsed} (exited: {_process.HasExited}):\n{Output}");
            }

            await _lineArrived.WaitAsync(left < TimeSpan.FromMilliseconds(500) ? left : TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>SIGTERM, as Ctrl+C; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            Signals.Terminate(_process.Id);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await StopAsync();
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        _lineArrived.Dispose();
    }

    private string[] Snapshot()
    {
        lock (_stdout)
        {
            return [.. _stdout];
        }
    }
}
