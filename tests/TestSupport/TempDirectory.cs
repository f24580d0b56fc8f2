namespace Serverless.TestSupport;

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "serverless-test")
    {
        Path = Directory.CreateTempSubdirectory(prefix + "-").FullName;
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process we started may still hold a file for a moment; the OS cleans temp eventually.
        }
        catch (UnauthorizedAccessException) when (!OperatingSystem.IsWindows())
        {
            // Sealed artifacts have read-only directories, which a non-root user cannot empty: open them, then retry.
            try
            {
                Open(new DirectoryInfo(Path));
                Directory.Delete(Path, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Open(DirectoryInfo directory)
    {
        File.SetUnixFileMode(directory.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var child in directory.EnumerateDirectories("*", new EnumerationOptions { AttributesToSkip = 0 }))
        {
            if (child.LinkTarget is null)
            {
                Open(child);
            }
        }
    }
}
