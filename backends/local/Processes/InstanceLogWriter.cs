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

    private readonly object _gate = new();
    private readonly long _maxBytes;
    private readonly TimeProvider _time;
    private FileStream? _file;
    private long _length;

    public InstanceLogWriter(string path, long maxBytes, TimeProvider time)
    {
        Path = path;
        _maxBytes = maxBytes;
        _time = time;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _file = Open(path);
        _length = _file.Length;
    }

    public string Path { get; }

    public string RotatedPath => Path + ".1";

    public void WriteLine(string stream, ReadOnlySpan<byte> text)
    {
        var prefix = _time.GetUtcNow().UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture) + " " + stream + " ";
        var size = prefix.Length + text.Length + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var written = Encoding.ASCII.GetBytes(prefix, buffer);
            text.CopyTo(buffer.AsSpan(written));
            buffer[size - 1] = (byte)'\n';
            lock (_gate)
            {
                if (_file is null)
                {
                    // The instance is gone and its log closed; a grandchild still holding the pipe may write on.
                    return;
                }

                if (_length > 0 && _length + size > _maxBytes)
                {
                    Rotate();
                }

                _file.Write(buffer, 0, size);
                _length += size;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    private void Rotate()
    {
        _file!.Dispose();
        File.Move(Path, RotatedPath, overwrite: true);
        _file = Open(Path);
        _length = 0;
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
