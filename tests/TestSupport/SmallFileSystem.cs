namespace Serverless.TestSupport;

/// <summary>
/// A tmpfs of a given size mounted on a temp directory, for disk-full tests: root mounts it, as CI runs; disposing
/// unmounts it (lazily, so a process still holding a file does not keep it) and removes the directory.
/// </summary>
public sealed class SmallFileSystem : IAsyncDisposable
{
    private readonly TempDirectory _directory;

    private SmallFileSystem(TempDirectory directory)
    {
        _directory = directory;
    }

    public string Path => _directory.Path;

    /// <param name="size">As mount(8) takes it: <c>1m</c>, <c>24m</c>.</param>
    public static async Task<SmallFileSystem> MountAsync(string size)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException("disk-full tests mount a tmpfs: they run as root, as CI does");
        }

        var directory = new TempDirectory("serverless-small-fs");
        var mounted = await ProcessRunner.RunAsync("mount", ["-t", "tmpfs", "-o", "size=" + size, "tmpfs", directory.Path]);
        if (mounted.ExitCode != 0)
        {
            directory.Dispose();
            throw new InvalidOperationException("mounting a tmpfs failed: " + mounted);
        }

        return new SmallFileSystem(directory);
    }

    /// <summary>Writes <paramref name="name"/> until the file system refuses; returns its path (delete it to free the space).</summary>
    public string Fill(string name = "filler")
    {
        var path = System.IO.Path.Combine(Path, name);
        var chunk = new byte[64 * 1024];
        using var stream = File.Create(path);
        try
        {
            // Bounded: 4096 chunks are 256 MiB, more than any size these tests mount.
            for (var i = 0; i < 4096; i++)
            {
                stream.Write(chunk);
                stream.Flush(flushToDisk: true);
            }
        }
        catch (IOException)
        {
            // full
        }

        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await ProcessRunner.RunAsync("umount", ["-l", Path]);
        _directory.Dispose();
    }
}
