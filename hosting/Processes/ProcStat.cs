using System.Globalization;

namespace Serverless.Hosting.Processes;

/// <summary>
/// Reads a process's start time (field 22 of <c>/proc/{pid}/stat</c>, clock ticks since boot). Together with the
/// pid it identifies a process: a reused pid has a later start time.
/// </summary>
public static class ProcStat
{
    /// <summary>The start time of a live process, or null when no process has that pid.</summary>
    public static long? TryReadStartTime(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (IOException)
        {
            // ESRCH while reading: the process exited between open and read.
            return null;
        }

        return ParseStartTime(text);
    }

    /// <summary>
    /// Field 22 of a stat line. The command (field 2) is in parentheses and may itself hold spaces and ')',
    /// so fields are counted after the last ')': field 3 is the first token there, field 22 the 20th.
    /// </summary>
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
}
