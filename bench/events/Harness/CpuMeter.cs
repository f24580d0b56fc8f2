using System.Globalization;

/// <summary>
/// CPU time (user + system, from /proc) of the processes in a run: the harness (the HTTP client or raw publisher),
/// the platform and the RabbitMQ node. CPU per event is what a 2-core machine divides among them, so it says where
/// an event's cost goes, and it holds up better under other load than a rate does.
/// </summary>
internal sealed class CpuMeter(int platformPid, string? rabbitNodeMarker)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ, 100 on every Linux we run

    public CpuSample Sample() => new(
        Seconds(Environment.ProcessId),
        platformPid > 0 ? Seconds(platformPid) : 0,
        rabbitNodeMarker is null ? 0 : RabbitPids(rabbitNodeMarker).Sum(Seconds));

    /// <summary>The private node's processes (its Erlang VM and helpers): those whose environment names the node.</summary>
    private static IEnumerable<int> RabbitPids(string marker)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string environment;
            try
            {
                environment = File.ReadAllText(Path.Combine(dir, "environ"));
            }
            catch (IOException)
            {
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            if (environment.Contains("RABBITMQ_NODENAME=" + marker, StringComparison.Ordinal))
            {
                yield return pid;
            }
        }
    }

    private static double Seconds(int pid)
    {
        try
        {
            // Fields after the command (which may hold spaces) start after its closing parenthesis; utime and stime are
            // fields 14 and 15 of the line, 12 and 13 after it.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
