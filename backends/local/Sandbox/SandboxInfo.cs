using System.Text.Json;

namespace Serverless.Backends.Local.Sandbox;

/// <summary>Reads what bubblewrap writes to its <c>--info-fd</c>: <c>{"child-pid": 1234, "…-namespace": …}</c>.</summary>
internal static class SandboxInfo
{
    /// <summary>
    /// The host pid of the sandbox's init (PID 1 inside), whose one child is the runtime; null when the text is not
    /// such a document (bubblewrap failed before it got there).
    /// </summary>
    public static int? ParseChildPid(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("child-pid", out var pid)
                && pid.ValueKind == JsonValueKind.Number && pid.TryGetInt32(out var value) && value > 0
                    ? value
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
