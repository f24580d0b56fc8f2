using Microsoft.Extensions.Logging;

namespace Serverless.Backends.Local.Processes;

/// <summary>Keeps the logs of the newest exited instances of a function; deletes older ones so crash loops cannot fill the disk.</summary>
internal static class LogRetention
{
    public static void Prune(string directory, Func<string, bool> isLive, int keepExited, ILogger logger)
    {
        var info = new DirectoryInfo(directory);
        if (!info.Exists)
        {
            return;
        }

        var old = info.EnumerateFiles("*.log")
            .Where(f => !isLive(Path.GetFileNameWithoutExtension(f.Name)))
            .OrderByDescending(f => f.LastWriteTimeUtc)
            .Skip(keepExited);
        foreach (var file in old)
        {
            foreach (var path in new[] { file.FullName, file.FullName + ".1" })
            {
                try
                {
                    File.Delete(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    LocalBackendLog.LogPruneFailed(logger, path, e);
                }
            }
        }
    }
}
