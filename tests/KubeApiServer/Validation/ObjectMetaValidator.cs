using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Resources;

namespace Serverless.KubeApiServer.Validation;

/// <summary>
/// The API server's ObjectMeta checks (ValidateObjectMeta / ValidateObjectMetaUpdate) for every kind: name or
/// generateName, label and annotation syntax, finalizer names, owner references, and no new finalizer once the
/// object is being deleted.
/// </summary>
internal static class ObjectMetaValidator
{
    public static void ValidateCreate(ResourceType type, JsonObject meta, List<FieldError> errors)
    {
        var name = meta["name"]?.GetValue<string>() ?? "";
        var generateName = meta["generateName"]?.GetValue<string>() ?? "";
        if (name.Length == 0 && generateName.Length == 0)
        {
            errors.Add(FieldError.Required("metadata.name", "name or generateName is required"));
        }

        // A generateName is a prefix: a trailing dash is fine, the random suffix follows it.
        if (generateName.Length > 0)
        {
            var prefix = generateName.EndsWith('-') && generateName.Length > 1 ? generateName[..^1] : generateName;
            errors.AddRange(NameRule(type)(prefix).Select(m => FieldError.Invalid("metadata.generateName", JsonValue.Create(generateName), m)));
        }

        if (name.Length > 0)
        {
            errors.AddRange(NameRule(type)(name).Select(m => FieldError.Invalid("metadata.name", JsonValue.Create(name), m)));
        }

        ValidateCommon(meta, errors);
    }

    public static void ValidateUpdate(JsonObject meta, JsonObject old, List<FieldError> errors)
    {
        ValidateCommon(meta, errors);
        if (old["deletionTimestamp"] is null)
        {
            return;
        }

        var before = Strings(old["finalizers"]).ToHashSet(StringComparer.Ordinal);
        var added = Strings(meta["finalizers"]).Where(f => !before.Contains(f)).ToList();
        if (added.Count > 0)
        {
            var error = FieldError.Forbidden(
                "metadata.finalizers",
                $"no new finalizers can be added if the object is being deleted, found new finalizers []string{{{string.Join(", ", added.Select(FieldError.Quote))}}}");

            // The real server reports this twice: the generic registry and the CRD strategy both run ValidateObjectMetaUpdate.
            errors.Add(error);
            errors.Add(error);
        }
    }

    /// <summary>Namespaces are DNS-1123 labels, Services DNS-1035 labels, everything else DNS-1123 subdomains.</summary>
    private static Func<string, IEnumerable<string>> NameRule(ResourceType type) => type.Kind switch
    {
        "Namespace" when type.Group.Length == 0 => NameRules.Dns1123Label,
        "Service" when type.Group.Length == 0 => NameRules.Dns1035Label,
        _ => NameRules.Dns1123Subdomain,
    };

    private static void ValidateCommon(JsonObject meta, List<FieldError> errors)
    {
        if (meta["labels"] is JsonObject labels)
        {
            foreach (var (key, value) in labels)
            {
                errors.AddRange(NameRules.QualifiedName(key).Select(m => FieldError.Invalid("metadata.labels", JsonValue.Create(key), m)));
                var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
                errors.AddRange(NameRules.LabelValue(text).Select(m => FieldError.Invalid("metadata.labels", JsonValue.Create(text), m)));
            }
        }

        if (meta["annotations"] is JsonObject annotations)
        {
            foreach (var (key, _) in annotations)
            {
                errors.AddRange(NameRules.QualifiedName(key).Select(m => FieldError.Invalid("metadata.annotations", JsonValue.Create(key), m)));
            }
        }

        foreach (var finalizer in Strings(meta["finalizers"]))
        {
            errors.AddRange(NameRules.QualifiedName(finalizer).Select(m => FieldError.Invalid("metadata.finalizers", JsonValue.Create(finalizer), m)));
        }

        if (meta["ownerReferences"] is JsonArray references)
        {
            var controllers = 0;
            foreach (var reference in references.OfType<JsonObject>())
            {
                foreach (var field in (string[])["apiVersion", "kind", "name", "uid"])
                {
                    if (string.IsNullOrEmpty(reference[field]?.GetValue<string>()))
                    {
                        errors.Add(FieldError.Invalid($"metadata.ownerReferences.{field}", JsonValue.Create(""), $"{field} must not be empty"));
                    }
                }

                if (reference["controller"]?.GetValue<bool>() == true)
                {
                    controllers++;
                }
            }

            if (controllers > 1)
            {
                errors.Add(FieldError.Invalid("metadata.ownerReferences", references, "Only one reference can have Controller set to true"));
            }
        }
    }

    private static IEnumerable<string> Strings(JsonNode? node) =>
        (node as JsonArray ?? []).Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : "");
}
