using System.Text;
using System.Text.Json;

namespace Serverless.Core.Workloads;

/// <summary>
/// <c>serverless-native.json</c> at the root of a native C# function's artifact (<c>build.native</c> in func.yaml):
/// the artifact is one executable, the runtime and the function compiled together ahead of time, which the local
/// backend starts instead of <c>dotnet Serverless.Runtime.Dotnet.dll</c>. Written by <c>func</c>, read by the backend.
/// </summary>
/// <param name="Entry">The executable's file name, at the artifact's root.</param>
/// <param name="RuntimeIdentifier">What it was compiled for (<c>linux-x64</c>): it runs only there.</param>
/// <param name="Handler">The handler compiled in; a Function whose <c>spec.handler</c> differs cannot run it.</param>
public sealed record NativeFunctionManifest(string Entry, string RuntimeIdentifier, string Handler)
{
    public const string FileName = "serverless-native.json";

    /// <summary>The executable's name as <c>func</c> writes it.</summary>
    public const string DefaultEntry = "serverless-function";

    /// <summary>Larger manifests are refused unread: the real one is ~120 bytes.</summary>
    private const int MaxBytes = 4096;

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("entry", Entry);
            writer.WriteString("runtimeIdentifier", RuntimeIdentifier);
            writer.WriteString("handler", Handler);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>
    /// The manifest of the artifact in <paramref name="directory"/>: null with no problem when there is none (an IL
    /// artifact); null with the problem, naming the field, when it is there but unusable.
    /// </summary>
    public static NativeFunctionManifest? Read(string directory, out string? problem)
    {
        problem = null;
        var path = Path.Combine(directory, FileName);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return null;
        }

        if (info.LinkTarget is not null || info.Length > MaxBytes)
        {
            problem = $"{FileName}: must be a regular file of at most {MaxBytes} bytes";
            return null;
        }

        try
        {
            return Parse(File.ReadAllBytes(path), out problem);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"{FileName}: cannot be read: {ex.Message}";
            return null;
        }
    }

    public static NativeFunctionManifest? Parse(ReadOnlySpan<byte> json, out string? problem)
    {
        problem = null;
        string? entry = null, rid = null, handler = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problem = $"{FileName}: must be a JSON object";
                return null;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                var value = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                switch (property.Name)
                {
                    case "entry": entry = value; break;
                    case "runtimeIdentifier": rid = value; break;
                    case "handler": handler = value; break;
                }
            }
        }
        catch (JsonException ex)
        {
            problem = $"{FileName}: is not JSON: {ex.Message}";
            return null;
        }

        problem = entry is null or "" || entry.Contains('/') || entry is "." or ".."
            ? $"{FileName}: entry must be a file name at the artifact's root (got {Quote(entry)})"
            : rid is null or "" ? $"{FileName}: runtimeIdentifier is required"
            : handler is null or "" ? $"{FileName}: handler is required"
            : null;
        return problem is null ? new NativeFunctionManifest(entry!, rid!, handler!) : null;
    }

    /// <summary>
    /// Why this artifact cannot run here for <paramref name="handler"/>, or null: another machine's executable, or one
    /// built for another handler (the function's <c>spec.handler</c> changed without a new build).
    /// </summary>
    public string? Mismatch(string runtimeIdentifier, string handler) =>
        RuntimeIdentifier != runtimeIdentifier
            ? $"the native function was compiled for {RuntimeIdentifier}; this machine runs {runtimeIdentifier} (run `func deploy` here)"
            : Handler != handler
                ? $"the native function was compiled for handler {Handler}, but spec.handler is {handler} (run `func deploy` again)"
                : null;

    private static string Quote(string? value) => value is null ? "nothing" : "\"" + value + "\"";
}
