using System.Text;

namespace Serverless.Hosting.Processes;

/// <summary>
/// Reads the last lines of a log without reading whole files: an instance's (its rotated <c>.log.1</c> included),
/// or the detached platform's, whose tail <c>func up</c> shows when the platform does not start.
/// </summary>
public static class LogTail
{
    private const int ChunkBytes = 8192;

    /// <summary>Up to <paramref name="count"/> last lines, oldest first; empty when there is no log.</summary>
    public static IReadOnlyList<string> ReadLastLines(string path, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
        {
            return [];
        }

        var lines = ReadFileTail(path, count);
        if (lines.Count < count)
        {
            var older = ReadFileTail(path + ".1", count - lines.Count);
            lines.InsertRange(0, older);
        }

        return lines;
    }

    private static List<string> ReadFileTail(string path, int count)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }

        using (stream)
        {
            var end = stream.Length;
            var start = end;
            var newlines = 0;
            var buffer = new byte[ChunkBytes];

            // Walk back until count + 1 newlines are behind us (the last byte is the final line's newline).
            while (start > 0 && newlines <= count)
            {
                var size = (int)Math.Min(ChunkBytes, start);
                start -= size;
                stream.Position = start;
                stream.ReadExactly(buffer, 0, size);
                for (var i = size - 1; i >= 0; i--)
                {
                    if (buffer[i] == (byte)'\n' && start + i != end - 1 && ++newlines > count - 1)
                    {
                        start += i + 1;
                        newlines = count + 1;
                        break;
                    }
                }
            }

            var tail = new byte[end - start];
            stream.Position = start;
            stream.ReadExactly(tail);
            return Last(Encoding.UTF8.GetString(tail), count);
        }
    }

    /// <summary>
    /// The last <paramref name="count"/> lines of a text, oldest first. Lines end with LF or CRLF; the final
    /// line's ending is optional, and an empty text has no lines.
    /// </summary>
    internal static List<string> Last(string text, int count)
    {
        var all = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        if (all[^1].Length == 0)
        {
            all.RemoveAt(all.Count - 1);
        }

        return all.Count > count ? all.GetRange(all.Count - count, count) : all;
    }
}
