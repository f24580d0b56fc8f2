using System.Text;

namespace Serverless.Platform.Admin;

/// <summary>
/// Reads what a function's instances appended to their log files since the last call: per file an offset
/// and the bytes of an unfinished line. A file shorter than its offset was rotated (its content moved to
/// <c>.log.1</c>) and is read again from the start. Not thread-safe: one follower per log request.
/// </summary>
internal sealed class LogFollower
{
    private const int MaxReadBytes = 1 << 20;

    private readonly Dictionary<string, (long Offset, byte[] Partial)> _files = new(StringComparer.Ordinal);

    /// <summary>Marks the current end of each file: only lines written after this are returned by <see cref="ReadNew"/>.</summary>
    public void Start(IEnumerable<(string InstanceId, string Path, long Length)> current)
    {
        foreach (var (_, path, length) in current)
        {
            _files[path] = (length, []);
        }
    }

    /// <summary>
    /// The complete new lines of every file, each "<c>{instanceId} {line}</c>", in time order (the lines
    /// start with a fixed-width UTC timestamp, so an ordinal sort is a time sort, stable within a file).
    /// Files not seen before (a new instance) are read from their start.
    /// </summary>
    public IReadOnlyList<string> ReadNew(IEnumerable<(string InstanceId, string Path, long Length)> current)
    {
        var lines = new List<(string Sort, string Line)>();
        foreach (var (instance, path, length) in current)
        {
            var (offset, partial) = _files.TryGetValue(path, out var state) ? state : (0L, []);
            if (length < offset)
            {
                (offset, partial) = (0, []);
            }

            if (length == offset)
            {
                _files[path] = (offset, partial);
                continue;
            }

            var bytes = Read(path, offset, (int)Math.Min(length - offset, MaxReadBytes));
            var text = partial.Concat(bytes).ToArray();
            var end = Array.LastIndexOf(text, (byte)'\n');
            foreach (var line in Encoding.UTF8.GetString(text, 0, end + 1).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                lines.Add((line, instance + " " + line));
            }

            _files[path] = (offset + bytes.Length, text[(end + 1)..]);
        }

        return lines.OrderBy(l => l.Sort, StringComparer.Ordinal).Select(l => l.Line).ToList();
    }

    private static byte[] Read(string path, long offset, int count)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            stream.Position = offset;
            var buffer = new byte[count];
            var read = stream.ReadAtLeast(buffer, count, throwOnEndOfStream: false);
            return read == count ? buffer : buffer[..read];
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // The instance's log was removed by retention between listing and reading.
            return [];
        }
    }
}
