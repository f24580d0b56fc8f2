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

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int sig);
}
