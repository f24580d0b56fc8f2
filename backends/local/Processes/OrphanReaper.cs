using Microsoft.Extensions.Logging;
using Serverless.Hosting.Processes;

namespace Serverless.Backends.Local.Processes;

/// <summary>
/// At backend start, kills instance processes an earlier run left behind (it was killed before it could stop
/// them, and the parent-death signal was unavailable or raced), then deletes their pid files. A process is
/// killed only when its pid is alive with the recorded start time, so a reused pid is never hit.
/// </summary>
internal static class OrphanReaper
{
    /// <summary>Returns how many processes were killed.</summary>
    public static int Reap(string instancesDirectory, ILogger logger)
    {
        if (!Directory.Exists(instancesDirectory))
        {
            return 0;
        }

        var killed = 0;
        foreach (var path in Directory.EnumerateFiles(instancesDirectory, "*.pid"))
        {
            if (PidFile.Parse(File.ReadAllText(path)) is not { } entry)
            {
                LocalBackendLog.PidFileMalformed(logger, path);
            }
            else if (ProcStat.TryReadStartTime(entry.Pid) == entry.StartTime && PosixSignals.Send(entry.Pid, PosixSignals.SigKill))
            {
                LocalBackendLog.OrphanKilled(logger, entry.Pid, path);
                killed++;
            }

            PidFile.Delete(path);
        }

        return killed;
    }
}
