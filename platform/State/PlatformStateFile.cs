using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Platform.State;

/// <summary>
/// <c>{home}/platform.json</c>: how the CLI finds a running platform. Written atomically once the
/// platform serves, removed on clean shutdown; after a SIGKILL it stays, and readers check the pid.
/// </summary>
internal sealed record PlatformStateFile(
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("adminUrl")] string AdminUrl,
    [property: JsonPropertyName("ingressUrl")] string IngressUrl,
    [property: JsonPropertyName("home")] string Home,
    [property: JsonPropertyName("startedAt")] DateTimeOffset StartedAt)
{
    public void Write(string path)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, StateJsonContext.Default.PlatformStateFile));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Removes the file if it is still ours (a newer platform may have replaced it).</summary>
    public static void RemoveIfOwned(string path, int pid)
    {
        try
        {
            var current = JsonSerializer.Deserialize(File.ReadAllText(path), StateJsonContext.Default.PlatformStateFile);
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

[JsonSerializable(typeof(PlatformStateFile))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
