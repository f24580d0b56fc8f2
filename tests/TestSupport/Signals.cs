using System.Runtime.InteropServices;

namespace Serverless.TestSupport;

/// <summary>POSIX signals for tests (.NET's Process.Kill only sends SIGKILL).</summary>
public static partial class Signals
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    public static void Terminate(int pid) => Send(pid, SigTerm);

    public static void Send(int pid, int signal)
    {
        if (kill(pid, signal) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != 3) // ESRCH: already gone
            {
                throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {errno}");
            }
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
