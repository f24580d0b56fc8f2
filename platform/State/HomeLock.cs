namespace Serverless.Platform.State;

/// <summary>
/// An exclusive lock on <c>{home}/platform.lock</c> held for the platform's life. .NET takes an
/// advisory flock for <see cref="FileShare.None"/> on Unix, and the kernel drops it when the process
/// dies, even by SIGKILL, so a crashed platform never blocks the next one.
/// </summary>
internal sealed class HomeLock : IDisposable
{
    private readonly FileStream _file;

    private HomeLock(FileStream file)
    {
        _file = file;
    }

    public static HomeLock? TryAcquire(string home)
    {
        try
        {
            return new HomeLock(new FileStream(Path.Combine(home, "platform.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}
