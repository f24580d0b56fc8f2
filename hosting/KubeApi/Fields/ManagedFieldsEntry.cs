using System.Text.Json.Nodes;

namespace Serverless.Hosting.KubeApi.Fields;

/// <summary>One <c>metadata.managedFields</c> entry: a manager's fields for one operation and subresource.</summary>
internal sealed record ManagedFieldsEntry(string Manager, string Operation, string Subresource, string ApiVersion, string? Time, FieldSet Fields)
{
    public bool SameOwner(FieldOwner owner) => Manager == owner.Manager && Operation == owner.Operation && Subresource == owner.Subresource;

    /// <summary>How conflicts name the manager: Apply managers by name, Update managers with the version they wrote.</summary>
    public string Describe() => (Operation, Subresource) switch
    {
        (FieldOwner.ApplyOperation, "") => $"\"{Manager}\"",
        (FieldOwner.ApplyOperation, _) => $"\"{Manager}\" with subresource \"{Subresource}\"",
        (_, "") => Time is null ? $"\"{Manager}\" using {ApiVersion}" : $"\"{Manager}\" using {ApiVersion} at {Time}",
        _ => Time is null ? $"\"{Manager}\" with subresource \"{Subresource}\" using {ApiVersion}" : $"\"{Manager}\" with subresource \"{Subresource}\" using {ApiVersion} at {Time}",
    };

    public JsonObject Encode()
    {
        var entry = new JsonObject
        {
            ["manager"] = Manager,
            ["operation"] = Operation,
            ["apiVersion"] = ApiVersion,
        };
        if (Time is not null)
        {
            entry["time"] = Time;
        }

        entry["fieldsType"] = "FieldsV1";
        entry["fieldsV1"] = Fields.ToFieldsV1();
        if (Subresource.Length > 0)
        {
            entry["subresource"] = Subresource;
        }

        return entry;
    }

    public static ManagedFieldsEntry? Decode(JsonNode? node) => node is JsonObject e && e["manager"] is not null
        ? new ManagedFieldsEntry(
            e["manager"]!.GetValue<string>(),
            e["operation"]?.GetValue<string>() ?? FieldOwner.UpdateOperation,
            e["subresource"]?.GetValue<string>() ?? "",
            e["apiVersion"]?.GetValue<string>() ?? "",
            e["time"]?.GetValue<string>(),
            FieldSet.FromFieldsV1(e["fieldsV1"] as JsonObject))
        : null;
}
