using System.Text.Json;
using k8s;

namespace Serverless.Core.Serialization;

/// <summary>
/// JSON exactly as Kubernetes writes it (camelCase, nulls omitted, RFC 3339 timestamps, quantities),
/// by delegating to KubernetesClient's serializer so our resources and its models agree.
/// </summary>
public static class ResourceJson
{
    public static string Serialize(object value) => KubernetesJson.Serialize(value);

    /// <exception cref="JsonException">The text is not JSON of that shape, or holds a malformed value (such as a quantity).</exception>
    public static T Deserialize<T>(string json) => Guard(() => KubernetesJson.Deserialize<T>(json));

    /// <inheritdoc cref="Deserialize{T}(string)"/>
    public static T Deserialize<T>(Stream json) => Guard(() => KubernetesJson.Deserialize<T>(json));

    // KubernetesClient's converters throw FormatException for a malformed quantity ("cpu": "abc"):
    // callers deal with one exception type for "the input is bad".
    private static T Guard<T>(Func<T?> read)
    {
        try
        {
            return read() ?? throw new JsonException("expected a JSON object, got null");
        }
        catch (FormatException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    /// <summary>A deep copy through the wire format, so copies never share mutable state.</summary>
    public static T Clone<T>(T value) where T : class => Deserialize<T>(Serialize(value));
}
