namespace Serverless.Backends.Local.Tests.Processes;

/// <summary>Finds processes by their exact command line, as the host sees them (inside a sandbox or not).</summary>
internal static class ProcessFinder
{
    public static IReadOnlyList<int> WithCommandLine(params string[] argv)
    {
        var wanted = string.Join('\0', argv) + "\0";
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(directory, "cmdline")) == wanted)
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile.
            }
        }

        return found;
    }

    /// <summary>A duration for <c>sleep</c> no other process on the machine uses: the escapee's name tag.</summary>
    public static string UniqueSleep() => "4242." + Random.Shared.Next(100_000, 999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
