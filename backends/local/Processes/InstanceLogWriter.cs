using System.Buffers;
using System.Globalization;
using System.Text;

namespace Serverless.Backends.Local.Processes;

/// <summary>
/// Appends the lines of one instance to <c>{id}.log</c> as "<c>{RFC3339 UTC} {stream} {text}</c>", rotating to
/// <c>{id}.log.1</c> (one kept) before the file would pass the size bound, so disk use per instance stays under
/// about twice the bound and nothing is buffered in memory beyond one line.
/// </summary>
/// <remarks>Thread-safe: stdout and stderr pumps write concurrently; each line is written whole.</remarks>
internal sealed class InstanceLogWriter : IDisposable
{
    /// <summary>Fixed width, so lines of several files sort by time with an ordinal string comparison.</summary>
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    /// <summary>Characters of a formatted timestamp: <c>2025-01-02T03:04:05.123456Z</c>.</summary>
    public const int TimestampLength = 27;

    private readonly object gate = new();
    private readonly long maxBytes;
    private readonly TimeProvider time;
    private FileStream? file;
    private long length;

    public InstanceLogWriter(string path, long maxBytes, TimeProvider time)
    {
        Path = path;
        this.maxBytes = maxBytes;
        this.time = time;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        file = Open(path);
        length = file.Length;
    }

    public string Path { get; }

    public string RotatedPath => Path + ".1";

    public void WriteLine(string stream, ReadOnlySpan<byte> text)
    {
        var prefix = time.GetUtcNow().UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture) + " " + stream + " ";
        var size = prefix.Length + text.Length + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var written = Encoding.ASCII.GetBytes(prefix, buffer);
            text.CopyTo(buffer.AsSpan(written));
            buffer[size - 1] = (byte)'\n';
            lock (gate)
            {
                if (file is null)
                {
                    // The instance is gone and its log closed; a grandchild still holding the pipe may write on.
                    return;
                }

                if (length > 0 && length + size > maxBytes)
                {
                    Rotate();
                }

                file.Write(buffer, 0, size);
                length += size;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            file?.Dispose();
            file = null;
        }
    }

    private void Rotate()
    {
        file!.Dispose();
        File.Move(Path, RotatedPath, overwrite: true);
        file = Open(Path);
        length = 0;
    }

    // Unbuffered: every line reaches the file at once, so a tail read right after an exit sees the last words.
    // Private to the user (0600): a function's output may carry anything it handles.
    private static FileStream Open(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite | FileShare.Delete, BufferSize = 0 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(path, options);
    }
}
