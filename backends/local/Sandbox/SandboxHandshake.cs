using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Serverless.Backends.Local.Sandbox;

/// <summary>
/// The two pipes between the platform and one starting sandbox: bubblewrap reports its init's pid on the first
/// (<c>--info-fd</c>) and waits on the second (<c>--block-fd</c>) before it starts the runtime. In between the
/// platform moves the sandbox into the instance's cgroup, so the runtime and all it forks are born inside it.
/// </summary>
/// <remarks>
/// .NET hands a child only its standard streams, and passes on any descriptor not marked close-on-exec. So the
/// child's two ends are made inheritable on the spawner thread just around its fork (<see cref="BeforeStart"/>,
/// <see cref="AfterStart"/>) and closed in the platform right after; the platform's ends never are.
/// </remarks>
internal sealed class SandboxHandshake : IDisposable
{
    /// <summary>The info document is a few hundred bytes; more means it is not bubblewrap talking.</summary>
    private const int MaxInfoBytes = 64 * 1024;

    private readonly int _infoRead;
    private readonly int _blockWrite;
    private int _childInfoWrite;
    private int _childBlockRead;
    private bool _released;
    private bool _reading;
    private bool _disposed;

    private SandboxHandshake(int infoRead, int childInfoWrite, int childBlockRead, int blockWrite)
    {
        _infoRead = infoRead;
        _childInfoWrite = childInfoWrite;
        _childBlockRead = childBlockRead;
        _blockWrite = blockWrite;
    }

    /// <summary>The descriptor number bubblewrap writes its info to (<c>--info-fd</c>).</summary>
    public int ChildInfoFd => _childInfoWrite;

    /// <summary>The descriptor number bubblewrap waits on (<c>--block-fd</c>); null when it need not wait.</summary>
    public int? ChildBlockFd => _childBlockRead >= 0 ? _childBlockRead : null;

    /// <param name="block">Whether bubblewrap waits for <see cref="Release"/> before it starts the runtime.</param>
    public static SandboxHandshake Create(bool block)
    {
        var info = NativeFiles.CreatePipe();
        try
        {
            var (blockRead, blockWrite) = block ? NativeFiles.CreatePipe() : (-1, -1);
            return new SandboxHandshake(info.Read, info.Write, blockRead, blockWrite);
        }
        catch
        {
            NativeFiles.Close(info.Read);
            NativeFiles.Close(info.Write);
            throw;
        }
    }

    /// <summary>On the spawner thread, right before the fork: the child's ends survive its exec.</summary>
    public void BeforeStart()
    {
        NativeFiles.SetInheritable(_childInfoWrite, true);
        if (_childBlockRead >= 0)
        {
            NativeFiles.SetInheritable(_childBlockRead, true);
        }
    }

    /// <summary>On the spawner thread, right after the fork: the child has its copies; ours go.</summary>
    public void AfterStart()
    {
        CloseChildEnds();
    }

    /// <summary>
    /// The init pid bubblewrap reports, or null when it exits (or does not report) within <paramref name="timeout"/>.
    /// The read blocks a pool thread; it ends at the latest when bubblewrap exits and its end of the pipe closes.
    /// </summary>
    public async Task<int?> ReadInitPidAsync(TimeSpan timeout)
    {
        // The reader owns the descriptor from here on and closes it when its read ends: closing it under a read
        // in flight could hand the number to another file before that read loops.
        _reading = true;
        var read = Task.Run(ReadInfo);
        try
        {
            var text = await read.WaitAsync(timeout).ConfigureAwait(false);
            return SandboxInfo.ParseChildPid(text);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>Lets the sandbox go on to start the runtime.</summary>
    public void Release()
    {
        if (_released || _blockWrite < 0)
        {
            return;
        }

        _released = true;
        using var handle = new SafeFileHandle(_blockWrite, ownsHandle: true);
        using var stream = new FileStream(handle, FileAccess.Write, 1);
        try
        {
            stream.WriteByte(1);
            stream.Flush();
        }
        catch (IOException)
        {
            // The sandbox is gone already (EPIPE): its exit is reported like any other.
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        CloseChildEnds();
        if (!_released && _blockWrite >= 0)
        {
            // EOF releases bubblewrap just as a byte does: callers kill the sandbox before they get here unreleased.
            _released = true;
            NativeFiles.Close(_blockWrite);
        }

        if (!_reading)
        {
            NativeFiles.Close(_infoRead);
        }
    }

    private string ReadInfo()
    {
        using var handle = new SafeFileHandle(_infoRead, ownsHandle: true);
        using var stream = new FileStream(handle, FileAccess.Read, 1);
        var buffer = new byte[4096];
        var text = new StringBuilder();
        int count;
        while (text.Length < MaxInfoBytes && (count = stream.Read(buffer)) > 0)
        {
            text.Append(Encoding.UTF8.GetString(buffer, 0, count));

            // bubblewrap writes the whole document, then keeps the descriptor or closes it: stop at the object's end.
            if (text.ToString().TrimEnd().EndsWith('}'))
            {
                break;
            }
        }

        return text.ToString();
    }

    private void CloseChildEnds()
    {
        if (_childInfoWrite >= 0)
        {
            NativeFiles.Close(_childInfoWrite);
            _childInfoWrite = -1;
        }

        if (_childBlockRead >= 0)
        {
            NativeFiles.Close(_childBlockRead);
            _childBlockRead = -1;
        }
    }
}
