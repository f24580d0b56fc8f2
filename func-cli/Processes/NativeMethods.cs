using System.Runtime.InteropServices;

namespace Serverless.Cli.Processes;

/// <summary>
/// kill(2): .NET can SIGKILL a process (Process.Kill) but not send it SIGTERM or SIGINT, which the
/// platform needs to drain its functions before exiting.
/// </summary>
internal static partial class NativeMethods
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>errno: no such process.</summary>
    public const int Esrch = 3;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
