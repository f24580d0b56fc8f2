using System.Runtime.InteropServices;

namespace Serverless.Backends.Local.Processes;

/// <summary>
/// Sends signals by pid. .NET's <c>Process.Kill</c> only sends SIGKILL; a graceful drain needs SIGTERM.
/// </summary>
internal static partial class PosixSignals
{
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>False when no such process exists (or it is not ours to signal).</summary>
    public static bool Send(int pid, int signal)
    {
        if (pid <= 0)
        {
            // kill(0 or negative) targets process groups: never what a caller holding a pid means.
            throw new ArgumentOutOfRangeException(nameof(pid), pid, "must be a positive pid");
        }

        return Kill(pid, signal) == 0;
    }

    /// <summary>Signals every process of a process group (<c>kill(-pgid)</c>); false when the group is empty.</summary>
    public static bool SendToGroup(int processGroup, int signal)
    {
        if (processGroup <= 1)
        {
            // kill(-1) would signal every process we may signal: never a group a caller means.
            throw new ArgumentOutOfRangeException(nameof(processGroup), processGroup, "must be a process group id above 1");
        }

        return Kill(-processGroup, signal) == 0;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int sig);
}
