using System.Text;

namespace Serverless.Cli.Platform;

/// <summary>The last lines of a log, for showing why a detached platform did not start.</summary>
internal static class LogTail
{
    /// <summary>Enough bytes for 20 long log lines without reading a large log whole.</summary>
    private const int MaxBytes = 64 * 1024;

    public static IReadOnlyList<string> Read(string path, int lines)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var start = Math.Max(0, stream.Length - MaxBytes);
        stream.Seek(start, SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = reader.ReadToEnd();
        if (start > 0 && text.IndexOf('\n', StringComparison.Ordinal) is var firstNewline and >= 0)
        {
            // The first line was cut by the seek; drop the fragment.
            text = text[(firstNewline + 1)..];
        }

        return Last(text, lines);
    }

    public static IReadOnlyList<string> Last(string text, int lines)
    {
        var all = text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
        if (all is [""])
        {
            return [];
        }

        return all.Length <= lines ? all : all[^lines..];
    }
}
