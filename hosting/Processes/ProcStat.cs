using System.Globalization;

namespace Serverless.Hosting.Processes;

/// <summary>
/// Reads <c>/proc/{pid}/stat</c>: a process's state (field 3) and its start time (field 22, clock ticks since
/// boot). Together with the pid the start time identifies a process: a reused pid has a later start time.
/// </summary>
/// <remarks>
/// The command (field 2) is in parentheses and may itself hold spaces and ')', so fields are counted after
/// the last ')': field 3 is the first token there, field 22 the 20th.
/// </remarks>
public static class ProcStat
{
    /// <summary>The start time of a live process, or null when no process has that pid.</summary>
    public static long? TryReadStartTime(int pid) => TryRead(pid) is { } stat ? ParseStartTime(stat) : null;

    /// <summary>
    /// Whether a process with that pid runs: false when there is none, and for a zombie or dead one,
    /// whose pid keeps its /proc entry until its parent reaps it.
    /// </summary>
    public static bool IsRunning(int pid) => TryRead(pid) is { } stat && IsRunningState(stat);

    /// <summary>Field 22 of a stat line, or null when the line is not one.</summary>
    public static long? ParseStartTime(string stat)
    {
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        const int index = 22 - 3;
        return fields.Length > index && long.TryParse(fields[index], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? start
            : null;
    }

    /// <summary>
    /// The CPU time a live process has used, user plus system (fields 14 and 15), in seconds at
    /// <paramref name="ticksPerSecond"/> (Linux's USER_HZ is 100), or null when no process has that pid.
    /// </summary>
    public static double? TryReadCpuSeconds(int pid, int ticksPerSecond = 100) =>
        TryRead(pid) is { } stat && ParseCpuTicks(stat) is { } ticks ? ticks / (double)ticksPerSecond : null;

    /// <summary>Fields 14 (utime) and 15 (stime) of a stat line summed, in clock ticks; null when the line is not one.</summary>
    public static long? ParseCpuTicks(string stat)
    {
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        const int utime = 14 - 3;
        const int stime = 15 - 3;
        return fields.Length > stime
            && long.TryParse(fields[utime], NumberStyles.None, CultureInfo.InvariantCulture, out var user)
            && long.TryParse(fields[stime], NumberStyles.None, CultureInfo.InvariantCulture, out var system)
                ? user + system
                : null;
    }

    /// <summary>False for a zombie (Z) or dead (X/x) state in field 3, and for a line that is not a stat line.</summary>
    public static bool IsRunningState(string stat)
    {
        var close = stat.LastIndexOf(')');
        if (close < 0 || close + 2 >= stat.Length)
        {
            return false;
        }

        return stat[close + 2] is not ('Z' or 'X' or 'x');
    }

    private static string? TryRead(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            // Not found (no such pid), or ESRCH while reading: the process exited between open and read.
            return null;
        }
    }
}
