using System.Text.Json;
using Serverless.Core.Wire;

namespace Serverless.Platform.State;

/// <summary>
/// Writes and removes <c>{home}/platform.json</c> (<see cref="PlatformStateRecord"/>), how the CLI finds a
/// running platform: written atomically once the platform serves, removed on clean shutdown; after a
/// SIGKILL it stays, and readers check the pid.
/// </summary>
internal static class PlatformStateFile
{
    public static void Write(
        string path, int pid, string adminUrl, string ingressUrl, string home, DateTimeOffset startedAt, bool sandbox, IReadOnlyDictionary<string, int>? pool = null)
    {
        var record = new PlatformStateRecord { Pid = pid, AdminUrl = adminUrl, IngressUrl = ingressUrl, Home = home, StartedAt = startedAt, Sandbox = sandbox, Pool = pool };
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(record, PlatformStateJsonContext.Default.PlatformStateRecord));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Removes the file if it is still ours (a newer platform may have replaced it).</summary>
    public static void RemoveIfOwned(string path, int pid)
    {
        try
        {
            var current = JsonSerializer.Deserialize(File.ReadAllText(path), PlatformStateJsonContext.Default.PlatformStateRecord);
            if (current?.Pid == pid)
            {
                File.Delete(path);
            }
        }
        catch (FileNotFoundException)
        {
        }
        catch (JsonException)
        {
            File.Delete(path);
        }
    }
}
