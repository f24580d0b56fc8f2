using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Core.Serialization;
using YamlDotNet.Serialization;

namespace Serverless.Cli.Output;

/// <summary>
/// <c>--output json|yaml</c>: the same object serialized as Kubernetes writes it (camelCase, nulls
/// omitted), JSON indented, YAML converted from that JSON so both always carry the same fields.
/// </summary>
internal static class StructuredOutput
{
    public static Option<OutputFormat> Option() => new("--output", "-o")
    {
        Description = "Output format: table, json or yaml",
        HelpName = "table|json|yaml",
        DefaultValueFactory = _ => OutputFormat.Table,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            switch (text)
            {
                case "table" or "wide":
                    return OutputFormat.Table;
                case "json":
                    return OutputFormat.Json;
                case "yaml":
                    return OutputFormat.Yaml;
                default:
                    result.AddError($"--output must be one of table, json, yaml (got \"{Core.Naming.Names.Printable(text)}\")");
                    return OutputFormat.Table;
            }
        },
    };

    public static void Write(TextWriter writer, object value, OutputFormat format)
    {
        var json = ResourceJson.Serialize(value);
        if (format == OutputFormat.Json)
        {
            var node = JsonNode.Parse(json);
            writer.WriteLine(node?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "null");
            return;
        }

        var serializer = new SerializerBuilder().WithQuotingNecessaryStrings().Build();
        writer.Write(serializer.Serialize(ToPlain(JsonNode.Parse(json))));
    }

    /// <summary>JSON nodes as dictionaries, lists and scalars, which YamlDotNet serializes naturally.</summary>
    private static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj.ToDictionary(p => p.Key, p => ToPlain(p.Value)),
        JsonArray array => array.Select(ToPlain).ToList(),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
        _ => decimal.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
