namespace Serverless.Cli.Platform;

/// <summary>Reads /proc/{pid}/stat, whose third field is the process state.</summary>
internal static class ProcStat
{
    /// <summary>
    /// False for a zombie (Z) or dead (X/x) process: its pid still has a /proc entry, but it is gone.
    /// The command name (second field) is in parentheses and may itself contain spaces and ')'.
    /// </summary>
    public static bool IsRunningState(string stat)
    {
        var close = stat.LastIndexOf(')');
        if (close < 0 || close + 2 >= stat.Length)
        {
            return false;
        }

        return stat[close + 2] is not ('Z' or 'X' or 'x');
    }
}
