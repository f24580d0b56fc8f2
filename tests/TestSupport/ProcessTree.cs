namespace Serverless.TestSupport;

/// <summary>Linux process facts from /proc, for tests that check no process is left behind.</summary>
public static class ProcessTree
{
    public static bool IsAlive(int pid)
    {
        // A zombie has exited; it only waits for its parent to reap it.
        var stat = ReadStat(pid);
        return stat is not null && stat.Value.State != 'Z';
    }

    /// <summary>Direct children of a process.</summary>
    public static IReadOnlyList<int> Children(int pid) =>
        AllPids().Where(p => ReadStat(p) is { } stat && stat.ParentPid == pid).ToList();

    /// <summary>Processes whose environment contains <c>name=value</c> (e.g. the test's SERVERLESS_HOME-bound instances).</summary>
    public static IReadOnlyList<int> WithEnvironment(string name, string value)
    {
        var needle = System.Text.Encoding.UTF8.GetBytes(name + "=" + value + "\0");
        var found = new List<int>();
        foreach (var pid in AllPids())
        {
            try
            {
                var environ = File.ReadAllBytes($"/proc/{pid}/environ");
                if (environ.AsSpan().IndexOf(needle) >= 0 && IsAlive(pid))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    /// <summary>Waits (bounded) until none of the processes is alive; returns those still alive.</summary>
    public static async Task<IReadOnlyList<int>> WaitForExitAsync(IEnumerable<int> pids, TimeSpan timeout)
    {
        var remaining = pids.ToList();
        var deadline = DateTime.UtcNow + timeout;
        while (remaining.Count > 0 && DateTime.UtcNow < deadline)
        {
            remaining = remaining.Where(IsAlive).ToList();
            if (remaining.Count > 0)
            {
                await Task.Delay(50);
            }
        }

        return remaining;
    }

    private static IEnumerable<int> AllPids() =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(n => n is not null && n.All(char.IsAsciiDigit))
            .Select(n => int.Parse(n!, System.Globalization.CultureInfo.InvariantCulture));

    private static (char State, int ParentPid)? ReadStat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var afterName = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (afterName[0][0], int.Parse(afterName[1], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return null;
        }
    }
}
