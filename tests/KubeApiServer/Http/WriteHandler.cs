using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.Hosting.KubeApi.Fields;
using Serverless.Hosting.KubeApi.Patching;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.KubeApiServer.Storage;
using Serverless.KubeApiServer.Validation;

namespace Serverless.KubeApiServer.Http;

/// <summary>
/// Creates, updates, patches (merge, JSON, strategic for built-in kinds, server-side apply) and deletes as the real
/// server answers them: request options checked first, bodies decoded with <c>fieldValidation</c>, field managers
/// from <c>fieldManager</c> or the User-Agent, dry runs, and Status answers shaped like its own.
/// </summary>
internal sealed class WriteHandler(ObjectStore store, KubeApiDoubleOptions options)
{
    private const string ApplyPatch = "application/apply-patch+yaml";
    private const string MergePatch = "application/merge-patch+json";
    private const string JsonPatchType = "application/json-patch+json";
    private const string StrategicPatch = "application/strategic-merge-patch+json";

    public async Task<Answer> CreateAsync(HttpRequest request, ResourceType type, string? ns)
    {
        var writeOptions = Options(request, "CreateOptions", FieldOwner.UpdateOperation, "", out var duplicates);
        var body = RequestBodies.ParseObject(await RequestReading.ReadText(request), request.ContentType, type.Kind, duplicates);
        CheckApiVersion(type, body);
        var created = store.Create(type, ns, body, writeOptions);
        return new Answer(HttpStatusCode.Created, created) { Warnings = writeOptions.Warnings };
    }

    public async Task<Answer> UpdateAsync(HttpRequest request, ResourceType type, string? ns, string name, string? sub)
    {
        var writeOptions = Options(request, "UpdateOptions", FieldOwner.UpdateOperation, sub ?? "", out var duplicates);
        var body = RequestBodies.ParseObject(await RequestReading.ReadText(request), request.ContentType, sub == "scale" ? "Scale" : type.Kind, duplicates);
        if (sub == "scale")
        {
            return Written(WriteScale(type, ns, name, _ => body, writeOptions), writeOptions);
        }

        CheckApiVersion(type, body);
        var written = store.Write(type, ns, name, Part(sub), current =>
        {
            // Custom resources refuse a PUT without a resourceVersion; the object has to exist first (404 before 422).
            if (!type.AllowUnconditionalUpdate && string.IsNullOrEmpty(body["metadata"]?["resourceVersion"]?.GetValue<string>()))
            {
                throw ApiException.Invalid(type.Plural, type.Group, name, [new FieldError(FieldErrorType.Invalid, "metadata.resourceVersion", "0x0", "must be specified for an update")]);
            }

            return body;
        }, writeOptions);
        return Written(written, writeOptions);
    }

    public async Task<Answer> PatchAsync(HttpRequest request, ResourceType type, string? ns, string name, string? sub)
    {
        var contentType = (request.ContentType ?? "").Split(';')[0].Trim();
        var custom = ReadHandler.IsCustom(type);
        var accepted = custom ? (string[])[JsonPatchType, MergePatch, ApplyPatch] : [JsonPatchType, MergePatch, StrategicPatch, ApplyPatch];
        if (!accepted.Contains(contentType))
        {
            throw new ApiException(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType",
                $"the body of the request was in an unknown format - accepted media types include: {string.Join(", ", accepted)}");
        }

        var text = await RequestReading.ReadText(request);
        if (contentType == ApplyPatch)
        {
            return Apply(request, type, ns, name, sub, text);
        }

        var writeOptions = Options(request, "PatchOptions", FieldOwner.UpdateOperation, sub ?? "", out _);
        JsonNode? patch;
        try
        {
            patch = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"error decoding patch: {e.Message}");
        }

        Func<JsonObject, JsonObject> apply = contentType switch
        {
            JsonPatchType => patch is JsonArray operations
                ? current => RequestReading.AsObject(JsonPatch.Apply(current, operations))
                : throw ApiException.BadRequest("error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp"),
            _ => current => RequestReading.AsObject(Serverless.Hosting.KubeApi.Patching.MergePatch.Apply(current, patch)),
        };

        var patchOptions = new WriteOptions
        {
            Owner = writeOptions.Owner,
            DryRun = writeOptions.DryRun,
            FieldValidation = writeOptions.FieldValidation,
            IsPatch = true,
        };
        if (sub == "scale")
        {
            return Written(WriteScale(type, ns, name, apply, patchOptions), patchOptions);
        }

        // The patch applies to the stored object, resourceVersion included: a patch that sets another version (or a
        // JSON patch test on it that fails) conflicts; one that leaves it alone is unconditional.
        var written = store.Write(type, ns, name, Part(sub), apply, patchOptions);
        return Written(written, patchOptions);
    }

    public async Task<Answer> DeleteAsync(HttpRequest request, ResourceType type, string? ns, string name)
    {
        var body = await ReadDeleteOptions(request);
        var deleted = store.Delete(type, ns, name, Policy(request, body), Preconditions(body), RequestOptions.DryRun(request.Query, "DeleteOptions"));
        return new Answer(HttpStatusCode.OK, deleted["metadata"]?["deletionTimestamp"] is not null || type.ReturnDeletedObject
            ? deleted
            : StatusObjects.Success(name, type.Group, type.Plural, deleted["metadata"]?["uid"]?.GetValue<string>()));
    }

    /// <summary>Deletes what the selectors match and answers the list of what was deleted (or marked for deletion).</summary>
    public async Task<Answer> DeleteCollectionAsync(HttpRequest request, ResourceType type, string? ns)
    {
        var body = await ReadDeleteOptions(request);
        var policy = Policy(request, body);
        var dryRun = RequestOptions.DryRun(request.Query, "DeleteOptions");
        var (items, _) = store.List(type, ns, RequestReading.Labels(request.Query), RequestReading.Fields(request.Query));
        var deleted = new List<JsonObject>();
        foreach (var item in items)
        {
            var meta = item["metadata"]!;
            try
            {
                deleted.Add(store.Delete(type, meta["namespace"]?.GetValue<string>(), meta["name"]!.GetValue<string>(), policy, null, dryRun));
            }
            catch (ApiException e) when (e.Code == HttpStatusCode.NotFound)
            {
                // Collected as a dependent of an earlier item.
            }
        }

        var metadata = ReadHandler.ListMeta(Responses.Number(store.ResourceVersion), null, null, includeEmptyContinue: ReadHandler.IsCustom(type));
        return new Answer(HttpStatusCode.OK, ReadHandler.ListObject(type, deleted, metadata));
    }

    // Server-side apply: the configuration is merged into the stored object (created when missing), and the
    // manager owns exactly its fields; another manager's field changed without force=true is a 409.
    private Answer Apply(HttpRequest request, ResourceType type, string? ns, string name, string? sub, string text)
    {
        var manager = request.Query["fieldManager"].ToString();
        if (manager.Length == 0)
        {
            throw ApiException.InvalidOptions("PatchOptions", FieldError.Required("fieldManager", "is required for apply patch"));
        }

        var fieldValidation = RequestOptions.FieldValidation(request.Query, "PatchOptions");
        var dryRun = RequestOptions.DryRun(request.Query, "PatchOptions");
        var duplicates = new List<string>();
        var config = RequestBodies.ParseObject(text, ApplyPatch, type.Kind, duplicates);
        CheckApiVersion(type, config);
        if (config["metadata"]?["name"]?.GetValue<string>() is { } configName && configName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({configName}) does not match the name on the URL ({name})");
        }

        var reporting = new WriteOptions { FieldValidation = fieldValidation, IsPatch = true, DuplicateFields = duplicates };
        var strategy = store.Strategy(type);
        strategy.Prune(config, reporting);
        var owner = new FieldOwner(manager, FieldOwner.ApplyOperation, sub ?? "", RequestOptions.IsTrue(request.Query["force"]));
        var writeOptions = new WriteOptions
        {
            Owner = owner,
            DryRun = dryRun,
            ApplyConfiguration = config,
            CreatesNamespace = options.AutoCreateNamespaces,
        };

        if (sub is null && store.TryGet(type, ns, name) is null)
        {
            var body = (JsonObject)config.DeepClone();
            var meta = body["metadata"] as JsonObject ?? [];
            meta["name"] = name;
            body["metadata"] = meta;
            var created = store.Create(type, ns, body, writeOptions);
            return new Answer(HttpStatusCode.Created, created) { Warnings = reporting.Warnings };
        }

        var written = store.Write(type, ns, name, Part(sub), current => StructuredMerge.Merge(current, config, strategy.Crd?.Schema), writeOptions);
        return new Answer(HttpStatusCode.OK, written) { Warnings = reporting.Warnings };
    }

    private JsonObject WriteScale(ResourceType type, string? ns, string name, Func<JsonObject, JsonObject> change, WriteOptions writeOptions)
    {
        var mapping = type.Scale!;
        var custom = ReadHandler.IsCustom(type);
        var written = store.Write(type, ns, name, WritePart.Main, current =>
        {
            var scale = change(ScaleSubresource.View(type, current));
            var replicas = JsonNumber.Long(scale["spec"]?["replicas"]) ?? 0;
            if (!custom && replicas < 0)
            {
                throw ApiException.Invalid("Scale", "autoscaling", name, [FieldError.Invalid("spec.replicas", JsonValue.Create(replicas), "must be greater than or equal to 0")]);
            }

            // A custom resource's schema and scale paths judge the value (spec.scale.minScale for a Function).
            JsonPath.Set(current, mapping.SpecReplicasPath, replicas);
            if (scale["metadata"]?["resourceVersion"]?.GetValue<string>() is { Length: > 0 } precondition)
            {
                current["metadata"]!["resourceVersion"] = precondition;
            }

            return current;
        }, writeOptions);
        return ScaleSubresource.View(type, written);
    }

    private WriteOptions Options(HttpRequest request, string optionsKind, string operation, string subresource, out List<string> duplicates)
    {
        duplicates = [];
        return new WriteOptions
        {
            Owner = new FieldOwner(RequestOptions.FieldManager(request, optionsKind), operation, subresource),
            DryRun = RequestOptions.DryRun(request.Query, optionsKind),
            FieldValidation = RequestOptions.FieldValidation(request.Query, optionsKind),
            DuplicateFields = duplicates,
            CreatesNamespace = options.AutoCreateNamespaces,
        };
    }

    private static Answer Written(JsonObject written, WriteOptions writeOptions) =>
        new(HttpStatusCode.OK, written) { Warnings = writeOptions.Warnings };

    private static void CheckApiVersion(ResourceType type, JsonObject body)
    {
        if (body["apiVersion"]?.GetValue<string>() is { Length: > 0 } apiVersion && apiVersion != type.ApiVersion)
        {
            throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
        }
    }

    private static async Task<JsonObject?> ReadDeleteOptions(HttpRequest request)
    {
        var text = await RequestReading.ReadText(request);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw ApiException.BadRequest("the request body must be a DeleteOptions object");
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"invalid DeleteOptions body: {e.Message}");
        }
    }

    private static PropagationPolicy Policy(HttpRequest request, JsonObject? body)
    {
        var text = request.Query["propagationPolicy"].ToString() is { Length: > 0 } q ? q : body?["propagationPolicy"]?.GetValue<string>();
        if (text is null && (RequestOptions.IsTrue(request.Query["orphanDependents"]) || body?["orphanDependents"]?.GetValue<bool>() == true))
        {
            return PropagationPolicy.Orphan;
        }

        return text switch
        {
            null or "" or "Background" => PropagationPolicy.Background,
            "Foreground" => PropagationPolicy.Foreground,
            "Orphan" => PropagationPolicy.Orphan,
            _ => throw ApiException.InvalidOptions("DeleteOptions", FieldError.NotSupported("propagationPolicy", JsonValue.Create(text), ["Foreground", "Background", "Orphan", "nil"])),
        };
    }

    private static DeletePreconditions? Preconditions(JsonObject? body) => body?["preconditions"] is JsonObject p
        ? new DeletePreconditions(p["uid"]?.GetValue<string>(), p["resourceVersion"]?.GetValue<string>())
        : null;

    private static WritePart Part(string? sub) => sub == "status" ? WritePart.Status : WritePart.Main;
}
