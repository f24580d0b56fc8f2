using System.Globalization;

namespace Serverless.Backends.Local.Cgroups;

/// <summary>Reads flat keyed files: v2 <c>memory.events</c>, v1 <c>memory.oom_control</c> (<c>oom_kill 1</c> per line).</summary>
internal static class CgroupCounters
{
    /// <summary>The number after <paramref name="key"/>, or 0 when the key is absent.</summary>
    public static long Read(string text, string key)
    {
        foreach (var line in text.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && parts[0] == key && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
        }

        return 0;
    }
}
