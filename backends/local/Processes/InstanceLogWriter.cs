using System.Buffers;
using System.Globalization;
using System.Text;

namespace Serverless.Backends.Local.Processes;

/// <summary>
/// Appends the lines of one instance to <c>{id}.log</c> as "<c>{RFC3339 UTC} {stream} {text}</c>", rotating to
/// <c>{id}.log.1</c> (one kept) before the file would pass the size bound, so disk use per instance stays under
/// about twice the bound and nothing is buffered in memory beyond one line.
/// </summary>
/// <remarks>
/// Thread-safe: stdout and stderr pumps write concurrently; each line is written whole. A line that cannot be written
/// (a full disk) is dropped and counted, never thrown: the pumps must keep draining the instance's pipes, or it
/// blocks on its next 64 KiB of output. The first line written again is preceded by one saying how many were lost.
/// </remarks>
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
    private long _dropped;
    private bool _reopen;

    public InstanceLogWriter(string path, long maxBytes, TimeProvider time)
    {
        Path = path;
        _maxBytes = maxBytes;
        _time = time;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _file = Open(path);
        _length = _file.Length;
    }

    public string Path { get; private set; }

    public string RotatedPath => Path + ".1";

    /// <summary>A line could not be written and is lost (raised outside the writer's lock).</summary>
    public event Action? LineDropped;

    /// <summary>Lines are written again after this many were dropped (raised outside the writer's lock).</summary>
    public event Action<long>? Recovered;

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
            long recovered = 0;
            var dropped = false;
            lock (_gate)
            {
                if (_file is null)
                {
                    // The instance is gone and its log closed; a grandchild still holding the pipe may write on.
                    return;
                }

                try
                {
                    if (_reopen)
                    {
                        _file = Open(Path);
                        _length = _file.Length;
                        _reopen = false;
                    }

                    if (_length > 0 && _length + size > _maxBytes)
                    {
                        Rotate();
                    }

                    if (_dropped > 0)
                    {
                        var notice = Encoding.ASCII.GetBytes(string.Create(
                            CultureInfo.InvariantCulture, $"{prefix[..TimestampLength]} serverless {_dropped} line(s) of output were lost: the log could not be written\n"));
                        _file.Write(notice);
                        _length += notice.Length;
                        recovered = _dropped;
                        _dropped = 0;
                    }

                    _file.Write(buffer, 0, size);
                    _length += size;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
                {
                    _dropped++;
                    dropped = true;
                }
            }

            if (dropped)
            {
                LineDropped?.Invoke();
            }
            else if (recovered > 0)
            {
                Recovered?.Invoke(recovered);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Renames the log, open or not, to <paramref name="path"/> and writes there from now on: a pool instance's log
    /// becomes its function's when it is specialized, so <c>func logs</c> finds it by the function.
    /// </summary>
    public void MoveTo(string path)
    {
        lock (_gate)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            if (File.Exists(Path))
            {
                File.Move(Path, path, overwrite: true);
            }

            Path = path;
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
        _reopen = true; // until the new file is open: a failure below leaves the next line to try again
        File.Move(Path, RotatedPath, overwrite: true);
        _file = Open(Path);
        _length = 0;
        _reopen = false;
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
