using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Serverless.Platform.Logging;

/// <summary>
/// The detached platform's output file (<c>func up --detach</c> appends it to <c>{home}/logs/platform.log</c>), kept
/// under a size bound: when a write takes it past the bound it is renamed to <c>platform.log.1</c> (one kept, as
/// instance logs) and a fresh file takes its place on descriptors 1 and 2.
/// </summary>
/// <remarks>
/// The file is the process's own stdout and stderr rather than a logging provider's file, so everything lands in it:
/// the log lines, and also what the .NET host prints on a crash, which no provider sees. Rotation swaps the
/// descriptors with dup2, so no writer holds the old file. .NET's console writes to a duplicate of descriptor 1 taken
/// at first use, which dup2 would not move, so <see cref="Attach"/> gives <see cref="Console.Out"/> and
/// <see cref="Console.Error"/> writers on the descriptors themselves, which also count what they write and rotate at
/// the bound: a file passes it by one write at most. It must run before the console logger is created, which keeps
/// the writer it finds. What bypasses the console (the host's crash report) is caught by a size check once a
/// <see cref="CheckInterval"/>, which also opens the file again when someone removed it.
/// </remarks>
internal sealed partial class PlatformLogFile
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private const int StdOut = 1;
    private const int StdErr = 2;

    private readonly object _gate = new();
    private readonly long _maxBytes;
    private readonly TimeProvider _time;
    private long _length;
    private ILogger? _logger;

    private PlatformLogFile(string path, long maxBytes, TimeProvider time)
    {
        Path = path;
        _maxBytes = maxBytes;
        _time = time;
    }

    public string Path { get; }

    public string RotatedPath => Path + ".1";

    /// <summary>
    /// Points stdout and stderr at <paramref name="path"/> (appending; created 0600), whatever they were: the launcher's
    /// shell redirection already did so for what the host prints before <c>Main</c>, and this makes it true when the
    /// platform is started some other way with <c>--log-file</c>.
    /// </summary>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static PlatformLogFile Attach(string path, long maxBytes, TimeProvider time)
    {
        var file = new PlatformLogFile(path, maxBytes, time);
        lock (file._gate)
        {
            file.Redirect();
            file._length = new FileInfo(path).Length;
        }

        Console.SetOut(file.Writer(StdOut));
        Console.SetError(file.Writer(StdErr));
        return file;
    }

    /// <summary>Checks the file once a <see cref="CheckInterval"/> until cancelled; rotations are logged from here on.</summary>
    public async Task RunAsync(ILogger logger, CancellationToken cancellationToken)
    {
        _logger = logger;
        using var timer = new PeriodicTimer(CheckInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                Check();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Takes the file's real size (writes that bypassed the console count too), rotating past the bound; opens it again if removed.</summary>
    public void Check()
    {
        lock (_gate)
        {
            var info = new FileInfo(Path);
            TryOrLog(() =>
            {
                if (!info.Exists)
                {
                    Redirect();
                    _length = 0;
                    return;
                }

                _length = info.Length;
                RotateIfPastBound();
            });
        }
    }

    private void Append(int fd, ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            while (!bytes.IsEmpty)
            {
                var written = NativeMethods.Write(fd, ref MemoryMarshal.GetReference(bytes), bytes.Length);
                if (written < 0)
                {
                    if (Marshal.GetLastPInvokeError() == NativeMethods.Interrupted)
                    {
                        continue;
                    }

                    // A full disk: the rest is lost, as any console write would lose it; logging must not throw.
                    return;
                }

                _length += written;
                bytes = bytes[(int)written..];
            }

            TryOrLog(RotateIfPastBound);
        }
    }

    private void RotateIfPastBound()
    {
        if (_length <= _maxBytes)
        {
            return;
        }

        var size = _length;
        File.Move(Path, RotatedPath, overwrite: true);
        Redirect();
        _length = 0;
        if (_logger is { } logger)
        {
            // Queued by the console logger and written by its thread, into the fresh file: never back into this lock.
            LogRotated(logger, RotatedPath, size);
        }
    }

    private void TryOrLog(Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A vanished directory or no inode left: the descriptors keep their file; the next write or check tries again.
            if (_logger is { } logger)
            {
                LogRotationFailed(logger, Path, e.Message);
            }
        }
    }

    private void Redirect()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);

        // Private to the user (0600): the log names functions, paths and errors. O_APPEND, as the launcher's >>.
        var fd = NativeMethods.Open(Path, NativeMethods.WriteOnly | NativeMethods.Create | NativeMethods.Append | NativeMethods.CloseOnExec, NativeMethods.OwnerReadWrite);
        if (fd < 0)
        {
            throw new IOException($"cannot open {Path}: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        try
        {
            if (NativeMethods.Dup2(fd, StdOut) < 0 || NativeMethods.Dup2(fd, StdErr) < 0)
            {
                throw new IOException($"cannot point the platform's output at {Path}: {Marshal.GetLastPInvokeErrorMessage()}");
            }
        }
        finally
        {
            _ = NativeMethods.Close(fd);
        }
    }

    private TextWriter Writer(int fd) =>
        TextWriter.Synchronized(new StreamWriter(new DescriptorStream(this, fd), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true });

    [LoggerMessage(EventId = PlatformEventIds.PlatformLogRotated, Level = LogLevel.Information, Message = "The platform log passed its bound and was rotated: the earlier lines ({Bytes} bytes) are in {RotatedPath}")]
    private static partial void LogRotated(ILogger logger, string rotatedPath, long bytes);

    [LoggerMessage(EventId = PlatformEventIds.PlatformLogRotationFailed, Level = LogLevel.Warning, Message = "Could not rotate the platform log {Path}: {Reason}; trying again")]
    private static partial void LogRotationFailed(ILogger logger, string path, string reason);

    /// <summary>Writes to a descriptor number with write(2), so it follows a dup2 onto that number.</summary>
    private sealed class DescriptorStream(PlatformLogFile file, int fd) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => file.Append(fd, buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer) => file.Append(fd, buffer);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private static class NativeMethods
    {
        public const int WriteOnly = 0x1;
        public const int Create = 0x40;
        public const int Append = 0x400;
        public const int CloseOnExec = 0x80000;
        public const int OwnerReadWrite = 0x180; // 0600
        public const int Interrupted = 4; // EINTR

        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

        // dup2 leaves close-on-exec off on the target; no child inherits 1 and 2 from here (instances get pipes).
        [DllImport("libc", EntryPoint = "dup2", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Dup2(int oldFd, int newFd);

        [DllImport("libc", EntryPoint = "write", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern nint Write(int fd, ref byte buffer, nint count);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Close(int fd);
    }
}
