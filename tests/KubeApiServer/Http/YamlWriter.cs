using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace Serverless.KubeApiServer.Http;

/// <summary>JSON to YAML for <c>Accept: application/yaml</c>; strings that would read back as another type are quoted.</summary>
internal static class YamlWriter
{
    private static readonly ISerializer Serializer = new SerializerBuilder().WithQuotingNecessaryStrings().Build();

    public static string Write(JsonNode? node) => Serializer.Serialize(Plain(node));

    private static object? Plain(JsonNode? node) => node switch
    {
        JsonObject obj => obj.ToDictionary(p => p.Key, p => Plain(p.Value), StringComparer.Ordinal),
        JsonArray array => array.Select(Plain).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
            JsonValueKind.Number => double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture),
            _ => null,
        },
        _ => null,
    };
}
