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

    /// <exception cref="JsonException">The text is not JSON of that shape.</exception>
    public static T Deserialize<T>(string json) =>
        KubernetesJson.Deserialize<T>(json) ?? throw new JsonException("expected a JSON object, got null");

    public static T Deserialize<T>(Stream json) =>
        KubernetesJson.Deserialize<T>(json) ?? throw new JsonException("expected a JSON object, got null");

    /// <summary>A deep copy through the wire format, so copies never share mutable state.</summary>
    public static T Clone<T>(T value) where T : class => Deserialize<T>(Serialize(value));
}
