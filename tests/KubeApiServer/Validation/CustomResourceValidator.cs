using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.KubeApiServer.Http;
using Serverless.KubeApiServer.Resources;
using Serverless.KubeApiServer.Schema;

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

        EvaluateRules(obj, old, _schema, "", errors);
    }

    // x-kubernetes-validations at every level, self being the value there and oldSelf the stored value it
    // corresponds to (same property, same map key, same list-map key); atomic lists' items have no oldSelf.
    private void EvaluateRules(JsonNode? value, JsonNode? old, StructuralSchema schema, string path, List<FieldError> errors)
    {
        if (value is null)
        {
            return;
        }

        foreach (var rule in schema.Rules)
        {
            if (old is null && rule.Rule.Contains("oldSelf", StringComparison.Ordinal) && !rule.OptionalOldSelf)
            {
                continue; // A transition rule runs on updates only.
            }

            var result = rules.Evaluate(rule, value, old, schema.Raw);
            var message = rule.Message ?? result.Message ?? $"failed rule: {rule.Rule}";
            switch (result.Outcome)
            {
                case ValidationRuleOutcome.Violated:
                    errors.Add(RuleError(rule, FieldPaths.Below(path, rule.FieldPath), schema, message));
                    break;
                case ValidationRuleOutcome.Error:
                    errors.Add(FieldError.Invalid(path, schema.Type ?? "object", result.Message ?? "rule evaluation failed"));
                    break;
            }
        }

        switch (value)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    if ((schema.Property(key) ?? schema.AdditionalProperties) is { } property)
                    {
                        EvaluateRules(child, (old as JsonObject)?[key], property, FieldPaths.Child(path, key), errors);
                    }
                }

                break;
            case JsonArray array when schema.Items is { } items:
                for (var i = 0; i < array.Count; i++)
                {
                    EvaluateRules(array[i], Correlate(array[i], old as JsonArray, schema), items, FieldPaths.Index(path, i), errors);
                }

                break;
        }
    }

    private static JsonNode? Correlate(JsonNode? item, JsonArray? old, StructuralSchema list) => (list.ListType, old) switch
    {
        (_, null) => null,
        ("set", _) => old.FirstOrDefault(o => JsonNode.DeepEquals(o, item)),
        ("map", _) => old.FirstOrDefault(o => list.ListMapKeys.All(k => JsonNode.DeepEquals(o?[k], item?[k]))),
        _ => null,
    };

    private static FieldError RuleError(ValidationRule rule, string path, StructuralSchema schema, string message) => rule.Reason switch
    {
        "FieldValueRequired" => FieldError.Required(path, message),
        "FieldValueForbidden" => FieldError.Forbidden(path, message),
        "FieldValueDuplicate" => FieldError.Duplicate(path, JsonValue.Create(schema.Type ?? "object")) with { Detail = message },
        _ => FieldError.Invalid(path, schema.Type ?? "object", message),
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
