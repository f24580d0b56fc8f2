using System.Globalization;

namespace Serverless.Backends.Local.Processes;

/// <summary>
/// <c>{state}/instances/{instanceId}.pid</c>: "<c>{pid} {startTime}</c>", written when an instance starts and
/// deleted when it exits, so a platform that died without cleanup leaves a record of what may still run.
/// </summary>
internal static class PidFile
{
    public static void Write(string path, int pid, long startTime)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $"{pid} {startTime}\n"));
    }

    /// <summary>The recorded pid and start time, or null when the content is not in the expected form.</summary>
    public static (int Pid, long StartTime)? Parse(string content)
    {
        var parts = content.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && pid > 0
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
                ? (pid, start)
                : null;
    }

    public static void Delete(string path) => File.Delete(path);
}
