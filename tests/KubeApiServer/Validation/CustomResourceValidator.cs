using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.KubeApiServer.Http;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.Hosting.KubeApi.Schema;

namespace Serverless.KubeApiServer.Validation;

/// <summary>
/// apiextensions-apiserver's validation of a custom resource write, in its order: kind and apiVersion, the schema
/// (the whole object, or only <c>status</c> for the status subresource), the scale subresource's replica paths, and
/// then the CEL rules through <see cref="IValidationRuleEvaluator"/> — unless an error so far is one that blocks them
/// (unsupported, required, too long, too many, wrong type), which adds the server's
/// "some validation rules were not checked" error instead.
/// </summary>
internal sealed class CustomResourceValidator(CustomResourceDefinition crd, IValidationRuleEvaluator rules)
{
    private readonly StructuralSchema _schema = crd.Schema;

    /// <param name="errors">Already holds the ObjectMeta errors, which count as blocking too.</param>
    /// <param name="old">The stored object on an update; null on create.</param>
    /// <param name="statusOnly">A write through the status subresource: only <c>status</c> is checked against the schema.</param>
    public void Validate(JsonObject obj, JsonObject? old, bool statusOnly, List<FieldError> errors)
    {
        var type = crd.Type;
        if (obj["kind"]?.GetValue<string>() is { } kind && kind != type.Kind)
        {
            errors.Add(FieldError.Invalid("kind", JsonValue.Create(kind), $"must be {type.Kind}"));
        }

        if (obj["apiVersion"]?.GetValue<string>() is { } apiVersion && apiVersion != type.ApiVersion)
        {
            errors.Add(FieldError.Invalid("apiVersion", JsonValue.Create(apiVersion), $"must be {type.ApiVersion}"));
        }

        if (statusOnly)
        {
            if (_schema.Property("status") is { } status && obj["status"] is { } value)
            {
                SchemaValidator.Validate(value, status, "status", errors);
            }
        }
        else
        {
            SchemaValidator.Validate(obj, _schema, "", errors);
            ValidateSpecReplicas(obj, errors);
        }

        ValidateStatusReplicas(obj, errors);

        if (!_schema.HasRules)
        {
            return;
        }

        if (errors.Any(e => e.BlocksValidationRules))
        {
            errors.Add(FieldError.Invalid("", "null", "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"));
            return;
        }

        EvaluateRules(obj, old, errors);
    }

    // Every rule due in the object, in one call to the evaluator; errors in the walk's order (a node's rules before
    // its children's).
    private void EvaluateRules(JsonObject obj, JsonObject? old, List<FieldError> errors)
    {
        var due = new List<(ValidationRuleSite Site, StructuralSchema Schema, string Path)>();
        CollectRules(obj, old, unchanged: false, _schema, isResourceRoot: true, "", due);
        if (due.Count == 0)
        {
            return;
        }

        var results = rules.Evaluate(due.Select(d => d.Site).ToList());
        for (var i = 0; i < due.Count; i++)
        {
            var (site, schema, path) = due[i];
            for (var j = 0; j < site.Rules.Count; j++)
            {
                var rule = site.Rules[j];
                switch (results[i][j].Outcome)
                {
                    case ValidationRuleOutcome.Violated:
                        errors.Add(RuleError(rule, FieldPaths.Below(path, rule.FieldPath), schema, results[i][j].Message ?? rule.MessageOrDefault));
                        break;
                    case ValidationRuleOutcome.Error:
                        errors.Add(FieldError.Invalid(path, schema.Type ?? "", results[i][j].Message ?? $"rule evaluation failed: {rule.ErrorText}"));
                        break;
                }
            }
        }
    }

    // x-kubernetes-validations at every level, self being the value there and oldSelf the stored value it
    // corresponds to (same property, same map key, same list-map key; nothing for other lists' items).
    // unchanged: the nearest node with a stored counterpart (this one or an ancestor) equals it. The real server
    // (1.30+, CRDValidationRatcheting) turns a non-transition rule's violation on such a value into a Warning: the
    // double skips those rules instead, because every value it stored passed the same rules, so they hold again.
    // This keeps a status write from re-running the spec's rules.
    private void CollectRules(
        JsonNode? value,
        JsonNode? old,
        bool unchanged,
        StructuralSchema schema,
        bool isResourceRoot,
        string path,
        List<(ValidationRuleSite Site, StructuralSchema Schema, string Path)> due)
    {
        if (value is null || !schema.HasRules)
        {
            return;
        }

        var rulesHere = schema.Rules.Where(rule => rules.IsTransitionRule(rule, schema.Raw, isResourceRoot)
                ? old is not null || rule.OptionalOldSelf // A transition rule runs where the value has a stored counterpart.
                : !unchanged)
            .ToList();
        if (rulesHere.Count > 0)
        {
            due.Add((new ValidationRuleSite(rulesHere, value, old, schema.Raw, isResourceRoot), schema, path));
        }

        switch (value)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    // A declared property is a child (spec.max), a map's key an index (spec.labels[a]).
                    var (property, childPath) = schema.Property(key) is { } declared
                        ? (declared, FieldPaths.Child(path, key))
                        : (schema.AdditionalProperties, FieldPaths.Key(path, key));
                    if (property is { HasRules: true })
                    {
                        var oldChild = (old as JsonObject)?[key];
                        CollectRules(child, oldChild, Unchanged(child, oldChild, unchanged), property, property.EmbeddedResource, childPath, due);
                    }
                }

                break;
            case JsonArray array when schema.Items is { HasRules: true } items:
                for (var i = 0; i < array.Count; i++)
                {
                    // An item without a counterpart (atomic and set lists, a new key) is unchanged with the list.
                    var oldItem = Correlate(array[i], old as JsonArray, schema);
                    var itemUnchanged = oldItem is null ? unchanged : Unchanged(array[i], oldItem, unchanged);
                    CollectRules(array[i], oldItem, itemUnchanged, items, items.EmbeddedResource, FieldPaths.Index(path, i), due);
                }

                break;
        }
    }

    // A value with a stored counterpart is unchanged when it equals it (as it must when its parent is unchanged).
    private static bool Unchanged(JsonNode? value, JsonNode? old, bool parentUnchanged) =>
        old is not null && (parentUnchanged || JsonNode.DeepEquals(value, old));

    // Only list-map items have an oldSelf (apiextensions-apiserver's makeMapList): other lists' items are not
    // correlated, even in a set.
    private static JsonNode? Correlate(JsonNode? item, JsonArray? old, StructuralSchema list) =>
        list.ListType == "map" && old is not null
            ? old.FirstOrDefault(o => list.ListMapKeys.All(k => JsonNode.DeepEquals(o?[k], item?[k])))
            : null;

    // fieldErrorForReason: the value shown is the type at the rule's location, never the value at fieldPath; a
    // Duplicate has no detail.
    private static FieldError RuleError(ValidationRule rule, string path, StructuralSchema schema, string message) => rule.Reason switch
    {
        "FieldValueRequired" => FieldError.Required(path, message),
        "FieldValueForbidden" => FieldError.Forbidden(path, message),
        "FieldValueDuplicate" => FieldError.Duplicate(path, JsonValue.Create(schema.Type ?? "")),
        _ => FieldError.Invalid(path, schema.Type ?? "", message),
    };

    // The scale subresource's paths must hold non-negative int32s (the real server names them as the CRD writes
    // them, leading dot included: ".spec.scale.minScale").
    private void ValidateSpecReplicas(JsonObject obj, List<FieldError> errors)
    {
        if (crd.Type.Scale is { } scale)
        {
            ValidateReplicas(obj, scale.SpecReplicasPath, errors);
        }
    }

    private void ValidateStatusReplicas(JsonObject obj, List<FieldError> errors)
    {
        if (crd.Type.Scale is not { } scale)
        {
            return;
        }

        ValidateReplicas(obj, scale.StatusReplicasPath, errors);
        if (scale.LabelSelectorPath is { } selectorPath && JsonPath.Get(obj, selectorPath) is { } selector
            && !(selector is JsonValue v && v.GetValueKind() == JsonValueKind.String))
        {
            errors.Add(FieldError.Invalid(selectorPath, selector, $"{selectorPath} accessor error: {selector.ToJsonString()} is of the type {FieldError.TypeName(selector)}, expected string"));
        }
    }

    private static void ValidateReplicas(JsonObject obj, string path, List<FieldError> errors)
    {
        var value = JsonPath.Get(obj, path);
        if (value is null)
        {
            return;
        }

        if (value is not JsonValue number || number.GetValueKind() != JsonValueKind.Number || !FieldError.IsInteger(number))
        {
            errors.Add(FieldError.Invalid(path, JsonValue.Create(0), $"{path} accessor error: {value.ToJsonString()} is of the type {FieldError.TypeName(value)}, expected int64"));
            return;
        }

        var replicas = decimal.Parse(number.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        if (replicas < 0)
        {
            errors.Add(FieldError.Invalid(path, number, "should be a non-negative integer"));
        }
        else if (replicas > int.MaxValue)
        {
            errors.Add(FieldError.Invalid(path, number, $"should be less than or equal to {int.MaxValue}"));
        }
    }
}
