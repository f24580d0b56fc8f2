using System.Diagnostics;
using System.Runtime.InteropServices;
using Serverless.Hosting.Processes;

namespace Serverless.Cli.Processes;

/// <summary>Looks at and signals processes by pid. Linux reads /proc; elsewhere falls back to System.Diagnostics.</summary>
internal sealed class ProcessTable
{
    public bool IsAlive(int pid)
    {
        if (pid <= 0)
        {
            return false;
        }

        if (Directory.Exists("/proc/self"))
        {
            return ProcStat.IsRunning(pid);
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            // GetProcessById's way of saying "no such process".
            return false;
        }
    }

    /// <summary>The process's arguments (argv), or null where they cannot be read (not Linux, or the process is gone).</summary>
    public IReadOnlyList<string>? CommandLine(int pid)
    {
        try
        {
            var raw = File.ReadAllText($"/proc/{pid}/cmdline");
            return raw.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Sends a signal; false when the process no longer exists.</summary>
    /// <exception cref="InvalidOperationException">The signal could not be sent for another reason (e.g. permission).</exception>
    public bool Signal(int pid, int signal)
    {
        if (NativeMethods.Kill(pid, signal) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == NativeMethods.Esrch
            ? false
            : throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {errno}");
    }
}
