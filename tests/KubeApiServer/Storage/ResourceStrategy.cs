using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Fields;
using Serverless.KubeApiServer.Http;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.Hosting.KubeApi.Schema;
using Serverless.KubeApiServer.Validation;
using static Serverless.KubeApiServer.Storage.ObjectJson;

namespace Serverless.KubeApiServer.Storage;

/// <summary>
/// What the API server does to one kind's objects on the way in, apart from storage: decoding (pruning unknown
/// fields per <c>fieldValidation</c>, then defaults), validation (ObjectMeta for every kind; the CRD's schema, scale
/// paths and rules for custom resources) and field management. Kinds without a CRD (the built-ins) have no schema
/// here: their bodies come from typed clients.
/// </summary>
/// <remarks>Stateless apart from what it is built with; the store calls it under its lock.</remarks>
internal sealed class ResourceStrategy
{
    private readonly CustomResourceValidator? _validator;
    private readonly FieldManager _fields;

    public ResourceStrategy(ResourceType type, CustomResourceDefinition? crd, IValidationRuleEvaluator rules)
    {
        Type = type;
        Crd = crd;
        _validator = crd is null ? null : new CustomResourceValidator(crd, rules);
        _fields = new FieldManager(crd?.Schema, type.HasStatus, type.ApiVersion);
    }

    public ResourceType Type { get; }

    public CustomResourceDefinition? Crd { get; }

    /// <summary>Prunes what the schema does not declare (refusing or warning per the options), then fills in defaults.</summary>
    public void Decode(JsonObject obj, WriteOptions options)
    {
        Prune(obj, options);
        Default(obj);
    }

    /// <summary>Drops what the schema does not declare, refusing or warning per the options (an apply configuration is pruned, never defaulted).</summary>
    public void Prune(JsonObject obj, WriteOptions options)
    {
        if (Crd is not null)
        {
            var before = options.IsPatch && options.FieldValidation == FieldValidation.Strict ? obj.ToJsonString() : null;
            var unknown = new List<string>();
            SchemaPruner.Prune(obj, Crd.Schema, unknown);
            Report(options, unknown, before);
        }
        else
        {
            Report(options, [], null);
        }
    }

    /// <summary>Schema defaults for custom resources; the built-in defaults the platform's code can see for Namespaces, LimitRanges, Pods (requests from limits) and HorizontalPodAutoscalers.</summary>
    public void Default(JsonObject obj)
    {
        if (Crd is not null)
        {
            SchemaDefaulter.Default(obj, Crd.Schema);
        }
        else if (Type == ResourceTypes.Namespaces)
        {
            var name = Metadata(obj)["name"]?.GetValue<string>();
            var labels = Metadata(obj)["labels"] as JsonObject ?? [];
            if (name is not null)
            {
                labels["kubernetes.io/metadata.name"] = name;
            }

            Metadata(obj)["labels"] = labels;
            obj["spec"] ??= new JsonObject { ["finalizers"] = new JsonArray("kubernetes") };
        }
        else if (Type == ResourceTypes.LimitRanges)
        {
            Admission.LimitRanger.DefaultItems(obj);
        }
        else if (Type == ResourceTypes.Pods)
        {
            Admission.LimitRanger.DefaultPod(obj);
        }
        else if (Type == ResourceTypes.HorizontalPodAutoscalers && obj["spec"] is JsonObject spec)
        {
            // v1.32's SetDefaults_HorizontalPodAutoscaler: minReplicas 1, and 80% CPU when no metric is given; a
            // behavior is defaulted only when one is given (the controller applies its flags' defaults otherwise).
            spec["minReplicas"] ??= 1;
            if (spec["metrics"] is not JsonArray { Count: > 0 })
            {
                spec["metrics"] = new JsonArray(new JsonObject
                {
                    ["type"] = "Resource",
                    ["resource"] = new JsonObject
                    {
                        ["name"] = "cpu",
                        ["target"] = new JsonObject { ["type"] = "Utilization", ["averageUtilization"] = 80 },
                    },
                });
            }
        }
    }

    /// <summary>What the kind's strategy sets on a new object after its status was cleared: a Namespace starts Active.</summary>
    public void PrepareForCreate(JsonObject obj)
    {
        if (Crd is null && Type == ResourceTypes.Namespaces)
        {
            obj["status"] = new JsonObject { ["phase"] = "Active" };
        }
    }

    public void ValidateCreate(JsonObject obj)
    {
        var errors = new List<FieldError>();
        ObjectMetaValidator.ValidateCreate(Type, Metadata(obj), errors);
        _validator?.Validate(obj, null, statusOnly: false, errors);
        ThrowIfInvalid(obj, errors);
    }

    public void ValidateUpdate(JsonObject next, JsonObject current, bool statusOnly)
    {
        var errors = new List<FieldError>();
        if (!statusOnly)
        {
            ObjectMetaValidator.ValidateUpdate(Metadata(next), Metadata(current), errors);
        }

        _validator?.Validate(next, current, statusOnly, errors);
        ThrowIfInvalid(next, errors);
    }

    /// <summary>
    /// Sets <paramref name="next"/>'s managedFields for a write from <paramref name="live"/> (empty on create), comparing
    /// <paramref name="compared"/> (<paramref name="next"/> itself, or for a status write the view the real server
    /// compares); <paramref name="requested"/> are the managedFields the request body carries.
    /// </summary>
    /// <exception cref="ApiException">409 for an apply that would take fields other managers own.</exception>
    public void TrackFields(JsonObject live, JsonObject next, JsonObject compared, JsonArray? requested, WriteOptions options, string now)
    {
        var meta = Metadata(next);
        if (options.Owner is not { } owner)
        {
            meta["managedFields"] = Metadata(live)["managedFields"]?.DeepClone();
            return;
        }

        var entries = owner.IsApply
            ? _fields.Apply(live, compared, options.ApplyConfiguration ?? new JsonObject(), owner, now)
            : _fields.Update(live, compared, requested, owner, now);
        if (!ReferenceEquals(compared, next) && owner.IsApply)
        {
            // An apply through the status subresource may have dropped status fields it no longer applies.
            next["status"] = compared["status"]?.DeepClone();
        }

        meta["managedFields"] = entries.Count > 0 ? entries : null;
    }

    private void Report(WriteOptions options, List<string> unknown, string? patched)
    {
        var problems = FieldValidationReport.Problems(options.DuplicateFields, unknown);
        if (FieldValidationReport.Refusal(options.FieldValidation, problems, Type.Kind, Type.Version, options.IsPatch, patched) is { } refusal)
        {
            throw refusal;
        }

        if (options.FieldValidation == FieldValidation.Warn)
        {
            options.Warnings.AddRange(problems);
        }
    }

    private void ThrowIfInvalid(JsonObject obj, List<FieldError> errors)
    {
        if (errors.Count > 0)
        {
            var kind = obj["kind"]?.GetValue<string>() is { Length: > 0 } sent ? sent : Type.Kind;
            throw ApiException.Invalid(kind, Type.Group, Metadata(obj)["name"]?.GetValue<string>() ?? "", errors);
        }
    }
}
