using System.Text.Json.Nodes;

namespace Serverless.Deploy.Tests.Support;

/// <summary>One YAML document of a manifest file, as JSON (what kubectl sends to the API server).</summary>
internal sealed record ManifestDocument(string File, int Index, JsonObject Node)
{
    public string Kind => (string?)Node["kind"] ?? "";

    public string Name => (string?)Node["metadata"]?["name"] ?? "";

    public string? Namespace => (string?)Node["metadata"]?["namespace"];

    public override string ToString() => $"{File}#{Index} {Kind}/{Name}";
}
