using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Schema;

namespace Serverless.Hosting.KubeApi.Tables;

/// <summary>
/// <c>meta.k8s.io</c> Tables, what kubectl get asks for: a CRD's additionalPrinterColumns after Name (Name and
/// "Created At" for kinds without a CRD), one row per object, and each row's object as PartialObjectMetadata,
/// the whole object or nothing (<c>includeObject</c>).
/// </summary>
internal sealed class TableConverter(CustomResourceDefinition? crd, TimeProvider time)
{
    private const string NameDescription = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
    private const string CreatedDescription = "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    private IReadOnlyList<PrinterColumn> Columns => crd?.PrinterColumns is { Count: > 0 } columns
        ? columns
        : [new PrinterColumn("Created At", "date", "", CreatedDescription, 0, ".metadata.creationTimestamp")];

    /// <param name="includeObject">Object, Metadata (the default) or None.</param>
    public JsonObject Table(IEnumerable<JsonObject> objects, string resourceVersion, string? continueToken, string metaVersion, string? includeObject, bool withColumns = true)
    {
        var metadata = new JsonObject { ["resourceVersion"] = resourceVersion };
        if (!string.IsNullOrEmpty(continueToken))
        {
            metadata["continue"] = continueToken;
        }

        var table = new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = $"meta.k8s.io/{metaVersion}",
            ["metadata"] = metadata,
        };
        if (withColumns)
        {
            table["columnDefinitions"] = new JsonArray(ColumnDefinitions().ToArray());
        }

        table["rows"] = new JsonArray(objects.Select(o => (JsonNode?)Row(o, includeObject)).ToArray());
        return table;
    }

    public static JsonObject PartialObjectMetadata(JsonObject obj, string metaVersion = "v1") => new()
    {
        ["kind"] = "PartialObjectMetadata",
        ["apiVersion"] = $"meta.k8s.io/{metaVersion}",
        ["metadata"] = obj["metadata"]?.DeepClone(),
    };

    private IEnumerable<JsonNode?> ColumnDefinitions()
    {
        yield return Column("Name", "string", "name", NameDescription, 0);
        foreach (var column in Columns)
        {
            yield return Column(column.Name, column.Type, column.Format, column.Description, column.Priority);
        }
    }

    private static JsonObject Column(string name, string type, string format, string description, int priority) => new()
    {
        ["name"] = name,
        ["type"] = type,
        ["format"] = format,
        ["description"] = description,
        ["priority"] = priority,
    };

    private JsonObject Row(JsonObject obj, string? includeObject)
    {
        var cells = new JsonArray { obj["metadata"]?["name"]?.DeepClone() };
        foreach (var column in Columns)
        {
            cells.Add(Cell(obj, column));
        }

        return new JsonObject
        {
            ["cells"] = cells,
            ["object"] = includeObject switch
            {
                "None" => null,
                "Object" => obj.DeepClone(),
                _ => PartialObjectMetadata(obj),
            },
        };
    }

    // As the API server's CRD table convertor: the first value the path reaches, typed by the column.
    private JsonNode? Cell(JsonObject obj, PrinterColumn column)
    {
        var value = PrinterJsonPath.Evaluate(obj, column.JsonPath).FirstOrDefault();
        if (value is null)
        {
            return null;
        }

        if (column.Type == "date" && value is JsonValue date && DateTimeOffset.TryParse(date.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return HumanDuration.Format(time.GetUtcNow() - at);
        }

        return column.Type switch
        {
            "integer" or "number" or "boolean" => value.DeepClone(),
            _ when value is JsonValue v && v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            _ => value.ToJsonString(),
        };
    }
}
