namespace Serverless.Backends.Local.Processes;

/// <summary>
/// Copies a child's stdout or stderr into its log, line by line, holding at most one line in memory: a line
/// longer than <see cref="MaxLineBytes"/> is cut into several. An observer, when given, sees each line before the log.
/// </summary>
internal static class OutputPump
{
    public const int MaxLineBytes = 16 * 1024;

    /// <summary>Sees one line of the output (without its line end); must not keep the span.</summary>
    public delegate void LineObserver(ReadOnlySpan<byte> line);

    public static async Task RunAsync(Stream source, string streamName, InstanceLogWriter log, LineObserver? observer = null)
    {
        var line = new byte[MaxLineBytes];
        var lineLength = 0;
        var chunk = new byte[8192];
        int read;
        while ((read = await source.ReadAsync(chunk).ConfigureAwait(false)) > 0)
        {
            var rest = chunk.AsMemory(0, read);
            while (!rest.IsEmpty)
            {
                var newline = rest.Span.IndexOf((byte)'\n');
                var take = newline < 0 ? rest.Length : newline;
                while (take > 0)
                {
                    // Cut only when more bytes arrive, so a line of exactly the maximum is one line.
                    if (lineLength == MaxLineBytes)
                    {
                        Emit(log, streamName, observer, line, ref lineLength);
                    }

                    var room = Math.Min(take, MaxLineBytes - lineLength);
                    rest.Span[..room].CopyTo(line.AsSpan(lineLength));
                    lineLength += room;
                    rest = rest[room..];
                    take -= room;
                }

                if (newline >= 0)
                {
                    Emit(log, streamName, observer, line, ref lineLength);
                    rest = rest[1..];
                }
            }
        }

        if (lineLength > 0)
        {
            Emit(log, streamName, observer, line, ref lineLength);
        }
    }

    private static void Emit(InstanceLogWriter log, string streamName, LineObserver? observer, byte[] line, ref int lineLength)
    {
        var text = line.AsSpan(0, lineLength);
        if (text.Length > 0 && text[^1] == (byte)'\r')
        {
            text = text[..^1];
        }

        observer?.Invoke(text);
        log.WriteLine(streamName, text);
        lineLength = 0;
    }
}
