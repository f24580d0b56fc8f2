using System.CommandLine;
using Serverless.Cli.App;
using Serverless.Cli.Platform;
using Serverless.Cli.Processes;

namespace Serverless.Cli.Commands;

/// <summary><c>func down</c>: stops the local platform with SIGTERM (it drains its functions), SIGKILL after 30 s.</summary>
internal sealed class DownCommand
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly CliContext _context;

    private DownCommand(CliContext context)
    {
        _context = context;
    }

    public static Command Create(CliContext context)
    {
        var command = new Command("down", "Stop the local platform");
        command.SetAction((_, cancellationToken) => CommandRunner.RunAsync(context, () => new DownCommand(context).RunAsync(cancellationToken), cancellationToken));
        return command;
    }

    private async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var found = await new PlatformProbe(_context).InspectAsync(cancellationToken).ConfigureAwait(false);
        var argv = found.Liveness == PlatformLiveness.Unresponsive ? _context.Processes.CommandLine(found.State!.Pid) : null;
        switch (DownDecision.Decide(found.Liveness, DownDecision.LooksLikePlatform(argv, _context.Home)))
        {
            case DownAction.NothingToStop:
                _context.Console.Line("the local platform is not running");
                return ExitCodes.Ok;
            case DownAction.RemoveStaleState:
                PlatformStateFile.Delete(_context.Home);
                _context.Console.Line($"the local platform is not running (removed a stale {PlatformStateFile.FileName}: {found.Problem})");
                return ExitCodes.Ok;
        }

        var pid = found.State!.Pid;
        var stopped = await _context.Console.WithStatusAsync(
            $"stopping the local platform (pid {pid}), draining functions…",
            _ => StopAsync(pid, cancellationToken)).ConfigureAwait(false);
        if (!stopped)
        {
            throw new CliException($"pid {pid} is still running after SIGKILL", $"check it with `ps -p {pid}`");
        }

        // A clean shutdown removes the file itself; after a SIGKILL it is ours to remove.
        if (PlatformStateFile.Read(_context.Home).State?.Pid == pid)
        {
            PlatformStateFile.Delete(_context.Home);
        }

        _context.Console.Success($"stopped the local platform (pid {pid})");
        return ExitCodes.Ok;
    }

    private async Task<bool> StopAsync(int pid, CancellationToken cancellationToken)
    {
        if (!_context.Processes.Signal(pid, NativeMethods.SigTerm) || await WaitForExitAsync(pid, DrainTimeout, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        _context.Console.Note($"pid {pid} did not exit within {DrainTimeout.TotalSeconds:0} s of SIGTERM; sending SIGKILL");
        return !_context.Processes.Signal(pid, NativeMethods.SigKill) || await WaitForExitAsync(pid, KillTimeout, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> WaitForExitAsync(int pid, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = _context.Time.GetTimestamp();
        while (_context.Processes.IsAlive(pid))
        {
            if (_context.Time.GetElapsedTime(started) >= timeout)
            {
                return false;
            }

            await Task.Delay(PollInterval, _context.Time, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}
