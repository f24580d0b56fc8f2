using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Serverless.Backends.Local.Storage;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Naming;
using Serverless.Core.Serialization;
using Serverless.Core.Validation;
using Serverless.Hosting.KubeApi.Errors;
using Serverless.Hosting.KubeApi.Fields;
using Serverless.Hosting.KubeApi.Formats;
using Serverless.Hosting.KubeApi.Json;
using Serverless.Hosting.KubeApi.Patching;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.Hosting.KubeApi.Lists;
using Serverless.Hosting.KubeApi.Schema;
using Serverless.Hosting.KubeApi.Tables;
using Serverless.Hosting.KubeApi.Validation;

namespace Serverless.Platform.Admin;

/// <summary>
/// The Kubernetes REST surface of one resource kind over an <see cref="IResourceStore{T}"/>:
/// list (and watch), get, create, replace, apply, delete, and the status subresource.
/// Admission (defaulting then validation) runs on every write of the spec.
/// </summary>
internal sealed class ResourceApi<T> where T : class, IResource
{
    private readonly IResourceStore<T> _store;
    private readonly string _kind;
    private readonly string _plural;
    private readonly Action<T> _applyDefaults;
    private readonly Func<T, IReadOnlyList<ValidationError>> _validate;
    private readonly TimeProvider _time;
    private readonly CustomResourceDefinition _crd;

    public ResourceApi(IResourceStore<T> store, string kind, string plural, Action<T> applyDefaults, Func<T, IReadOnlyList<ValidationError>> validate, TimeProvider time)
    {
        _store = store;
        _kind = kind;
        _plural = plural;
        _applyDefaults = applyDefaults;
        _validate = validate;
        _time = time;
        _crd = CustomResourceDefinitions.All.Single(d => d.Type.Group == ApiGroup.Group && d.Type.Plural == plural);
    }

    public void Map(IEndpointRouteBuilder routes)
    {
        var group = $"/apis/{ApiGroup.Group}/{ApiGroup.Version}";
        var collection = $"{group}/namespaces/{{namespace}}/{_plural}";
        routes.MapGet($"{group}/{_plural}", context => ListAsync(context, null));
        routes.MapGet(collection, context => WithNamespace(context, ns => ListAsync(context, ns)));
        routes.MapPost(collection, context => WithNamespace(context, ns => CreateAsync(context, ns)));
        routes.MapDelete(collection, context => WithNamespace(context, ns => DeleteCollectionAsync(context, ns)));
        routes.MapGet(collection + "/{name}", context => WithName(context, (ns, name) => GetAsync(context, ns, name)));
        routes.MapPut(collection + "/{name}", context => WithName(context, (ns, name) => ReplaceAsync(context, ns, name)));
        routes.MapMethods(collection + "/{name}", ["PATCH"], context => WithName(context, (ns, name) => PatchAsync(context, ns, name, scale: false)));
        routes.MapDelete(collection + "/{name}", context => WithName(context, (ns, name) => DeleteAsync(context, ns, name)));
        routes.MapGet(collection + "/{name}/status", context => WithName(context, (ns, name) => GetAsync(context, ns, name)));
        routes.MapPut(collection + "/{name}/status", context => WithName(context, (ns, name) => ReplaceStatusAsync(context, ns, name)));
        if (_crd.Type.Scale is not null)
        {
            routes.MapGet(collection + "/{name}/scale", context => WithName(context, (ns, name) => GetScaleAsync(context, ns, name)));
            routes.MapPut(collection + "/{name}/scale", context => WithName(context, (ns, name) => ReplaceScaleAsync(context, ns, name)));
            routes.MapMethods(collection + "/{name}/scale", ["PATCH"], context => WithName(context, (ns, name) => PatchAsync(context, ns, name, scale: true)));
        }
    }

    private async Task ListAsync(HttpContext context, string? ns)
    {
        ListRequest request;
        ResponseFormat format;
        try
        {
            request = ListRequest.Parse(context.Request.Query);
            format = Negotiate(context, list: true);
        }
        catch (ApiException e)
        {
            await StatusResponses.FailAsync(context, e).ConfigureAwait(false);
            return;
        }

        if (IsWatch(context.Request))
        {
            await WatchStream.RunAsync(context, _store, ns, context.Request.Query["resourceVersion"], request, format.Kind == ResponseFormatKind.Table ? Tables : null, _time).ConfigureAwait(false);
            return;
        }

        var list = await _store.ListAsync(ns, context.RequestAborted).ConfigureAwait(false);
        var current = long.TryParse(list.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0;
        (IReadOnlyList<JsonObject> Items, string? NextAfter, long Remaining) page;
        try
        {
            request.RequireServable(current);
            page = request.Page(list.Items.Select(ToJsonObject));
        }
        catch (ApiException e)
        {
            await StatusResponses.FailAsync(context, e).ConfigureAwait(false);
            return;
        }

        var next = page.NextAfter is { } after ? new ContinueToken(current, after).Encode() : null;
        JsonObject body;
        switch (format.Kind)
        {
            case ResponseFormatKind.Table:
                body = Tables.Table(page.Items, list.ResourceVersion, next, format.MetaVersion, context.Request.Query["includeObject"]);
                break;
            case ResponseFormatKind.PartialObjectMetadata:
                body = new JsonObject
                {
                    ["kind"] = "PartialObjectMetadataList",
                    ["apiVersion"] = $"meta.k8s.io/{format.MetaVersion}",
                    ["metadata"] = ListMeta(list.ResourceVersion, next, null),
                    ["items"] = new JsonArray(page.Items.Select(o => (JsonNode?)TableConverter.PartialObjectMetadata(o, format.MetaVersion)).ToArray()),
                };
                break;
            default:
                body = new JsonObject
                {
                    ["apiVersion"] = ApiGroup.ApiVersion,
                    ["items"] = new JsonArray(page.Items.Select(o => (JsonNode?)o).ToArray()),
                    ["kind"] = _kind + "List",
                    ["metadata"] = ListMeta(list.ResourceVersion, next, page.Remaining),
                };
                break;
        }

        await StatusResponses.WriteJsonAsync(context, StatusCodes.Status200OK, body.ToJsonString()).ConfigureAwait(false);
    }

    private TableConverter Tables => new(_crd, _time);

    /// <summary>A custom resource list always says <c>continue</c>, empty on the last page, as the real server's.</summary>
    private static JsonObject ListMeta(string resourceVersion, string? next, long? remaining)
    {
        var meta = new JsonObject { ["continue"] = next ?? "" };
        if (next is not null && remaining is > 0)
        {
            meta["remainingItemCount"] = remaining;
        }

        meta["resourceVersion"] = resourceVersion;
        return meta;
    }

    private static JsonObject ToJsonObject(T resource) => JsonNode.Parse(ResourceJson.Serialize(resource))!.AsObject();

    /// <summary>JSON, a Table or PartialObjectMetadata by Accept; 406 when none is acceptable (YAML and protobuf are not written).</summary>
    private static ResponseFormat Negotiate(HttpContext context, bool list)
    {
        var format = ResponseFormat.Negotiate(context.Request.Headers.Accept.ToString(), list);
        return format is null || format.Kind == ResponseFormatKind.Yaml
            ? throw new ApiException(System.Net.HttpStatusCode.NotAcceptable, "NotAcceptable", "only the following media types are accepted: application/json")
            : format;
    }

    private async Task GetAsync(HttpContext context, string ns, string name)
    {
        ResponseFormat format;
        try
        {
            format = Negotiate(context, list: false);
        }
        catch (ApiException e)
        {
            await StatusResponses.FailAsync(context, e).ConfigureAwait(false);
            return;
        }

        var resource = await _store.GetAsync(ns, name, context.RequestAborted).ConfigureAwait(false);
        if (resource is null)
        {
            await NotFoundAsync(context, name).ConfigureAwait(false);
            return;
        }

        var json = format.Kind switch
        {
            ResponseFormatKind.Table => Tables.Table([ToJsonObject(resource)], resource.Metadata.ResourceVersion ?? "", null, format.MetaVersion, context.Request.Query["includeObject"]).ToJsonString(),
            ResponseFormatKind.PartialObjectMetadata => TableConverter.PartialObjectMetadata(ToJsonObject(resource), format.MetaVersion).ToJsonString(),
            _ => ResourceJson.Serialize(resource),
        };
        await StatusResponses.WriteJsonAsync(context, StatusCodes.Status200OK, json).ConfigureAwait(false);
    }

    private async Task CreateAsync(HttpContext context, string ns)
    {
        var resource = await ReadAsync(context, ns, expectedName: null).ConfigureAwait(false);
        if (resource is null || !await AdmitAsync(context, resource).ConfigureAwait(false))
        {
            return;
        }

        var json = ToJsonObject(resource);
        TrackUpdate(context, new JsonObject(), json, "CreateOptions");
        var tracked = Deserialize(json);
        await StoreAsync(context, StatusCodes.Status201Created, resource.Metadata.Name, () => _store.CreateAsync(tracked, context.RequestAborted)).ConfigureAwait(false);
    }

    private async Task ReplaceAsync(HttpContext context, string ns, string name)
    {
        var resource = await ReadAsync(context, ns, name).ConfigureAwait(false);
        if (resource is null || !await AdmitAsync(context, resource).ConfigureAwait(false))
        {
            return;
        }

        if (await _store.GetAsync(ns, name, context.RequestAborted).ConfigureAwait(false) is { } current)
        {
            var json = ToJsonObject(resource);
            TrackUpdate(context, ToJsonObject(current), json, "UpdateOptions");
            resource = Deserialize(json);
        }

        var replacement = resource;
        await StoreAsync(context, StatusCodes.Status200OK, name, () => _store.ReplaceAsync(replacement, context.RequestAborted)).ConfigureAwait(false);
    }

    /// <summary>
    /// PATCH by its media type: merge patch (RFC 7386) and JSON patch (RFC 6902) over the stored object, or its
    /// <c>autoscaling/v1 Scale</c> view for the scale subresource; apply patch (<see cref="ApplyAsync"/>); strategic
    /// merge is refused with 415, as the real server refuses it for custom resources.
    /// </summary>
    private async Task PatchAsync(HttpContext context, string ns, string name, bool scale)
    {
        var mediaType = MediaType(context.Request.ContentType);
        if (!scale && mediaType is "application/apply-patch+json" or "application/apply-patch+yaml")
        {
            await ApplyAsync(context, ns, name).ConfigureAwait(false);
            return;
        }

        if (mediaType is not (MergePatchType or JsonPatchType))
        {
            await StatusResponses.WriteAsync(
                context,
                StatusCodes.Status415UnsupportedMediaType,
                "UnsupportedMediaType",
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml").ConfigureAwait(false);
            return;
        }

        JsonNode? patch;
        string patchText;
        var duplicates = new List<string>();
        FieldValidation mode;
        try
        {
            mode = FieldValidationReport.Parse(context.Request.Query["fieldValidation"].ToString(), "PatchOptions");
            patchText = await ReadTextAsync(context).ConfigureAwait(false);
            patch = RequestBodies.ParseJson(patchText, duplicates);
        }
        catch (ApiException e)
        {
            await StatusResponses.FailAsync(context, e).ConfigureAwait(false);
            return;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await StatusResponses.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "RequestEntityTooLarge", "the request body is too large").ConfigureAwait(false);
            return;
        }
        catch (JsonException e)
        {
            await StatusResponses.WriteAsync(context, StatusCodes.Status400BadRequest, "BadRequest", "error decoding patch: " + e.Message).ConfigureAwait(false);
            return;
        }

        if (mediaType == JsonPatchType && patch is not JsonArray)
        {
            await StatusResponses.WriteAsync(context, StatusCodes.Status400BadRequest, "BadRequest", "error decoding patch: a JSON patch is an array of operations").ConfigureAwait(false);
            return;
        }

        Func<JsonObject, JsonObject> apply = mediaType == JsonPatchType
            ? current => JsonPatch.Apply(current, (JsonArray)patch!) as JsonObject ?? throw ApiException.BadRequest("json patch: the result is not an object")
            : current => MergePatch.Apply(current, patch) as JsonObject ?? throw ApiException.BadRequest("merge patch: the result is not an object");
        await ModifyAsync(
            context, ns, name, scale ? current => SetScale(current, apply(ScaleSubresource.View(_crd.Type, current))) : apply, scale, mode, patchText, duplicates).ConfigureAwait(false);
    }

    private async Task GetScaleAsync(HttpContext context, string ns, string name)
    {
        var resource = await _store.GetAsync(ns, name, context.RequestAborted).ConfigureAwait(false);
        if (resource is null)
        {
            await NotFoundAsync(context, name).ConfigureAwait(false);
            return;
        }

        await StatusResponses.WriteJsonAsync(context, StatusCodes.Status200OK, ScaleSubresource.View(_crd.Type, ToJsonObject(resource)).ToJsonString()).ConfigureAwait(false);
    }

    private async Task ReplaceScaleAsync(HttpContext context, string ns, string name)
    {
        if (!IsJson(context.Request.ContentType))
        {
            await UnsupportedBodyAsync(context).ConfigureAwait(false);
            return;
        }

        JsonObject scale;
        try
        {
            scale = JsonNode.Parse(await ReadTextAsync(context).ConfigureAwait(false)) as JsonObject ?? throw new JsonException("a Scale is an object");
        }
        catch (JsonException e)
        {
            await StatusResponses.WriteAsync(context, StatusCodes.Status400BadRequest, "BadRequest", "the body is not a valid Scale: " + e.Message).ConfigureAwait(false);
            return;
        }

        await ModifyAsync(context, ns, name, current => SetScale(current, scale), scale: true, FieldValidation.Ignore, null, []).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes a Scale's <c>spec.replicas</c> where the CRD's scale subresource says (<c>.spec.scale.minScale</c> for a
    /// Function, as on Kubernetes); a resourceVersion in the Scale is a precondition on the object.
    /// </summary>
    private JsonObject SetScale(JsonObject current, JsonObject scale)
    {
        var replicas = JsonNumber.Long(scale["spec"]?["replicas"]) ?? 0;
        JsonPath.Set(current, _crd.Type.Scale!.SpecReplicasPath, replicas);
        if (scale["metadata"]?["resourceVersion"]?.GetValue<string>() is { Length: > 0 } precondition)
        {
            current["metadata"]!["resourceVersion"] = precondition;
        }

        return current;
    }

    /// <summary>
    /// Changes the stored object through <paramref name="change"/>, admits the result and replaces it. A change that
    /// leaves resourceVersion alone is unconditional, so a conflict with another writer is retried on the new state
    /// (as the real server retries a patch); one that names a version is a precondition (409 when stale).
    /// </summary>
    /// <param name="tracked">The change sets managedFields itself (an apply); otherwise the write is tracked as an update.</param>
    private async Task ModifyAsync(
        HttpContext context,
        string ns,
        string name,
        Func<JsonObject, JsonObject> change,
        bool scale,
        FieldValidation mode,
        string? patchText,
        IReadOnlyList<string> patchDuplicates,
        bool tracked = false)
    {
        const int Attempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            var current = await _store.GetAsync(ns, name, context.RequestAborted).ConfigureAwait(false);
            if (current is null)
            {
                await NotFoundAsync(context, name).ConfigureAwait(false);
                return;
            }

            T changed;
            try
            {
                var live = ToJsonObject(current);
                var json = change((JsonObject)live.DeepClone());
                if (!tracked)
                {
                    TrackUpdate(context, live, json, "PatchOptions", scale ? "scale" : "");
                }

                var unknown = new List<string>();
                SchemaPruner.Prune((JsonObject)json.DeepClone(), _crd.Schema, unknown);
                var problems = FieldValidationReport.Problems(patchDuplicates, unknown);
                if (FieldValidationReport.Refusal(mode, problems, _kind, ApiGroup.Version, isPatch: true, patchText) is { } refusal)
                {
                    throw refusal;
                }

                if (attempt == 1)
                {
                    Warn(context, mode, problems);
                }

                changed = Deserialize(json);
            }
            catch (ApiException e)
            {
                await StatusResponses.FailAsync(context, e).ConfigureAwait(false);
                return;
            }
            catch (JsonException e)
            {
                await StatusResponses.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, "Invalid", $"{_plural} \"{name}\" is invalid: the patched object is not a valid {_kind}: {e.Message}").ConfigureAwait(false);
                return;
            }

            if (changed.Metadata?.Name != name || changed.ApiVersion != ApiGroup.ApiVersion || changed.Kind != _kind)
            {
                await StatusResponses.WriteAsync(context, StatusCodes.Status400BadRequest, "BadRequest", "a patch may not change the object's name, apiVersion or kind").ConfigureAwait(false);
                return;
            }

            changed.Metadata.NamespaceProperty = ns;
            var unconditional = changed.Metadata.ResourceVersion == current.Metadata.ResourceVersion;
            if (!await AdmitAsync(context, changed).ConfigureAwait(false))
            {
                return;
            }

            try
            {
                var stored = await _store.ReplaceAsync(changed, context.RequestAborted).ConfigureAwait(false);
                var body = scale ? ScaleSubresource.View(_crd.Type, ToJsonObject(stored)).ToJsonString() : ResourceJson.Serialize(stored);
                await StatusResponses.WriteJsonAsync(context, StatusCodes.Status200OK, body).ConfigureAwait(false);
                return;
            }
            catch (StoreException e) when (e.Kind == StoreErrorKind.Conflict && unconditional && attempt < Attempts)
            {
                // Another writer came between the read and the write: apply the change again to what it wrote.
            }
            catch (Exception e) when (e is StoreException or LocalStoreException)
            {
                await StoreAsync(context, StatusCodes.Status200OK, name, () => Task.FromException<T>(e)).ConfigureAwait(false);
                return;
            }
        }
    }

    private static async Task<string> ReadTextAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, System.Text.Encoding.UTF8);
        return await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private const string MergePatchType = "application/merge-patch+json";
    private const string JsonPatchType = "application/json-patch+json";

    /// <summary>
    /// A whole-object apply (<c>application/apply-patch+json</c>): create when missing, otherwise replace metadata and
    /// spec — unconditionally, or only at the <c>resourceVersion</c> the body names (409 when it is stale). Field
    /// ownership as in server-side apply is not tracked.
    /// </summary>
    private async Task ApplyAsync(HttpContext context, string ns, string name)
    {
        JsonObject config;
        FieldOwner owner;
        try
        {
            var manager = context.Request.Query["fieldManager"].ToString();
            if (manager.Length == 0)
            {
                throw ApiException.InvalidOptions("PatchOptions", FieldError.Required("fieldManager", "is required for apply patch"));
            }

            owner = new FieldOwner(FieldManagerName.From(manager, null, "PatchOptions"), FieldOwner.ApplyOperation, "", context.Request.Query["force"] is { Count: > 0 } force && force[0] is "true" or "1");
            config = await DecodeJsonAsync(context, "PatchOptions", isPatch: true).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            await StatusResponses.FailAsync(context, e).ConfigureAwait(false);
            return;
        }

        string? problem = null;
        var configMeta = config["metadata"] as JsonObject;
        if (config["apiVersion"]?.GetValue<string>() != ApiGroup.ApiVersion || config["kind"]?.GetValue<string>() != _kind)
        {
            problem = $"expected apiVersion \"{ApiGroup.ApiVersion}\" and kind \"{_kind}\"";
        }
        else if (configMeta?["name"]?.GetValue<string>() is { } configName && configName != name)
        {
            problem = $"the name of the object ({Names.Printable(configName)}) does not match the name on the URL ({name})";
        }
        else if (configMeta?["namespace"]?.GetValue<string>() is { Length: > 0 } configNamespace && configNamespace != ns)
        {
            problem = $"the namespace of the object ({Names.Printable(configNamespace)}) does not match the namespace on the URL ({ns})";
        }

        if (problem is not null)
        {
            await StatusResponses.WriteAsync(context, StatusCodes.Status400BadRequest, "BadRequest", problem).ConfigureAwait(false);
            return;
        }

        var current = await _store.GetAsync(ns, name, context.RequestAborted).ConfigureAwait(false);
        if (current is null)
        {
            if (configMeta?["resourceVersion"]?.GetValue<string>() is { Length: > 0 } expected)
            {
                await StatusResponses.WriteAsync(
                    context,
                    StatusCodes.Status409Conflict,
                    "Conflict",
                    $"Operation cannot be fulfilled on {_plural} \"{name}\": the object does not exist, so resourceVersion \"{Names.Printable(expected)}\" cannot match").ConfigureAwait(false);
                return;
            }

            var body = (JsonObject)config.DeepClone();
            var meta = body["metadata"] as JsonObject ?? [];
            meta["name"] = name;
            meta["namespace"] = ns;
            body["metadata"] = meta;
            var created = Deserialize(body);
            if (!await AdmitAsync(context, created).ConfigureAwait(false))
            {
                return;
            }

            // The manager owns exactly what it applied (and what defaulting filled in, as on the real server).
            var admitted = ToJsonObject(created);
            admitted["metadata"]!["managedFields"] = Fields.Apply(new JsonObject(), admitted, config, owner, Now());
            await StoreAsync(context, StatusCodes.Status201Created, name, () => _store.CreateAsync(Deserialize(admitted), context.RequestAborted)).ConfigureAwait(false);
            return;
        }

        await ModifyAsync(
            context,
            ns,
            name,
            live =>
            {
                var next = StructuredMerge.Merge((JsonObject)live.DeepClone(), config, _crd.Schema);
                next["metadata"]!["managedFields"] = Fields.Apply(live, next, config, owner, Now());
                return next;
            },
            scale: false,
            FieldValidation.Ignore,
            null,
            [],
            tracked: true).ConfigureAwait(false);
    }

    private FieldManager Fields => new(_crd.Schema, _crd.Type.HasStatus, _crd.Type.ApiVersion);

    private string Now() => _time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Sets the managedFields of <paramref name="next"/> for an update (create, replace, patch) by the request's
    /// manager (<c>fieldManager</c>, else the User-Agent's name): it takes what it changed, as on the real server.
    /// </summary>
    private void TrackUpdate(HttpContext context, JsonObject live, JsonObject next, string optionsKind, string subresource = "")
    {
        var owner = new FieldOwner(
            FieldManagerName.From(context.Request.Query["fieldManager"].ToString(), context.Request.Headers.UserAgent.ToString(), optionsKind),
            FieldOwner.UpdateOperation,
            subresource);
        var requested = next["metadata"]?["managedFields"] as JsonArray;
        var entries = Fields.Update(live, next, (JsonArray?)requested?.DeepClone(), owner, Now());
        if (next["metadata"] is JsonObject meta)
        {
            meta["managedFields"] = entries.Count > 0 ? entries : null;
        }
    }

    private async Task ReplaceStatusAsync(HttpContext context, string ns, string name)
    {
        var resource = await ReadAsync(context, ns, name).ConfigureAwait(false);
        if (resource is null)
        {
            return;
        }

        await StoreAsync(context, StatusCodes.Status200OK, name, () => _store.ReplaceStatusAsync(resource, context.RequestAborted)).ConfigureAwait(false);
    }

    private async Task DeleteAsync(HttpContext context, string ns, string name)
    {
        if (!await AcceptDeleteOptionsAsync(context).ConfigureAwait(false))
        {
            return;
        }

        if (!await _store.DeleteAsync(ns, name, context.RequestAborted).ConfigureAwait(false))
        {
            await NotFoundAsync(context, name).ConfigureAwait(false);
            return;
        }

        // Held by finalizers, it is only marked for deletion: the real server then answers with the object.
        if (await _store.GetAsync(ns, name, context.RequestAborted).ConfigureAwait(false) is { Metadata.DeletionTimestamp: not null } marked)
        {
            await StatusResponses.WriteJsonAsync(context, StatusCodes.Status200OK, ResourceJson.Serialize(marked)).ConfigureAwait(false);
            return;
        }

        await StatusResponses.WriteAsync(
            context,
            StatusCodes.Status200OK,
            "",
            $"{_plural} \"{name}\" deleted",
            StatusResponses.Details(_plural, name)).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>deletecollection</c>: every object the label and field selectors match, answered as the list of what was
    /// deleted, as the real server does for custom resources.
    /// </summary>
    private async Task DeleteCollectionAsync(HttpContext context, string ns)
    {
        ListRequest request;
        try
        {
            request = ListRequest.Parse(context.Request.Query);
        }
        catch (ApiException e)
        {
            await StatusResponses.FailAsync(context, e).ConfigureAwait(false);
            return;
        }

        if (!await AcceptDeleteOptionsAsync(context).ConfigureAwait(false))
        {
            return;
        }

        var list = await _store.ListAsync(ns, context.RequestAborted).ConfigureAwait(false);
        var deleted = new JsonArray();
        foreach (var item in request.Page(list.Items.Select(ToJsonObject)).Items)
        {
            var name = item["metadata"]!["name"]!.GetValue<string>();
            if (await _store.DeleteAsync(ns, name, context.RequestAborted).ConfigureAwait(false))
            {
                deleted.Add(item);
            }
        }

        var body = new JsonObject
        {
            ["apiVersion"] = ApiGroup.ApiVersion,
            ["items"] = deleted,
            ["kind"] = _kind + "List",
            ["metadata"] = new JsonObject { ["continue"] = "", ["resourceVersion"] = list.ResourceVersion },
        };
        await StatusResponses.WriteJsonAsync(context, StatusCodes.Status200OK, body.ToJsonString()).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads <c>propagationPolicy</c> from the query or a <c>DeleteOptions</c> body and refuses an unknown one as the
    /// real server does (422). Every valid policy deletes at once here: local resources own no dependents to wait for.
    /// </summary>
    private static async Task<bool> AcceptDeleteOptionsAsync(HttpContext context)
    {
        string? policy = context.Request.Query["propagationPolicy"].ToString() is { Length: > 0 } fromQuery ? fromQuery : null;
        if (policy is null && context.Request.ContentLength is not 0 && IsJson(context.Request.ContentType))
        {
            try
            {
                var body = await ReadTextAsync(context).ConfigureAwait(false);
                if (body.Length > 0 && JsonNode.Parse(body) is JsonObject options)
                {
                    policy = options["propagationPolicy"]?.GetValue<string>();
                }
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                await StatusResponses.WriteAsync(context, StatusCodes.Status400BadRequest, "BadRequest", "the body is not valid DeleteOptions: " + e.Message).ConfigureAwait(false);
                return false;
            }
        }

        if (policy is null or "Foreground" or "Background" or "Orphan")
        {
            return true;
        }

        await StatusResponses.FailAsync(
            context,
            ApiException.InvalidOptions("DeleteOptions", FieldError.NotSupported("propagationPolicy", JsonValue.Create(policy), ["Foreground", "Background", "Orphan", "nil"]))).ConfigureAwait(false);
        return false;
    }

    /// <summary>Reads and checks the body; answers 400/413 itself and returns null on a bad one.</summary>
    private async Task<T?> ReadAsync(HttpContext context, string ns, string? expectedName, bool apply = false)
    {
        if (!apply && !IsJson(context.Request.ContentType))
        {
            await UnsupportedBodyAsync(context).ConfigureAwait(false);
            return null;
        }

        T resource;
        try
        {
            resource = await DecodeAsync(context, apply ? "PatchOptions" : HttpMethods.IsPost(context.Request.Method) ? "CreateOptions" : "UpdateOptions").ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            await StatusResponses.FailAsync(context, e).ConfigureAwait(false);
            return null;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await StatusResponses.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "RequestEntityTooLarge", "the request body is too large").ConfigureAwait(false);
            return null;
        }
        catch (JsonException e)
        {
            await StatusResponses.WriteAsync(context, StatusCodes.Status400BadRequest, "BadRequest", "the body is not a valid " + _kind + ": " + e.Message).ConfigureAwait(false);
            return null;
        }

        string? problem = null;
        if (resource.ApiVersion != ApiGroup.ApiVersion || resource.Kind != _kind)
        {
            problem = $"expected apiVersion \"{ApiGroup.ApiVersion}\" and kind \"{_kind}\", got \"{Names.Printable(resource.ApiVersion)}\" and \"{Names.Printable(resource.Kind)}\"";
        }
        else if (resource.Metadata.NamespaceProperty is { Length: > 0 } bodyNamespace && bodyNamespace != ns)
        {
            problem = $"the namespace of the object (\"{Names.Printable(bodyNamespace)}\") does not match the namespace of the request (\"{ns}\")";
        }
        else if (expectedName is not null && resource.Metadata.Name != expectedName)
        {
            problem = $"the name of the object (\"{Names.Printable(resource.Metadata.Name)}\") does not match the name in the URL (\"{expectedName}\")";
        }

        if (problem is not null)
        {
            await StatusResponses.WriteAsync(context, StatusCodes.Status400BadRequest, "BadRequest", problem).ConfigureAwait(false);
            return null;
        }

        resource.Metadata.NamespaceProperty = ns;
        return resource;
    }

    /// <summary>As the real server words it; a body with no type is refused too rather than guessed at.</summary>
    private static Task UnsupportedBodyAsync(HttpContext context) =>
        StatusResponses.WriteAsync(
            context,
            StatusCodes.Status415UnsupportedMediaType,
            "UnsupportedMediaType",
            $"the body of the request was in an unknown format (\"{Names.Printable(context.Request.ContentType)}\") - accepted media types include: application/json");

    private static bool IsJson(string? contentType) =>
        string.Equals(MediaType(contentType), "application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The media type of a Content-Type, without its parameters (<c>; charset=utf-8</c>).</summary>
    private static string? MediaType(string? contentType) => contentType?.Split(';')[0].Trim();

    /// <summary>
    /// The body as the real server's decoder reads it (JSON, or YAML for an apply patch), its duplicate keys and the
    /// fields the CRD's schema does not know judged by <c>fieldValidation</c>: Strict refuses them (400 naming them),
    /// Warn (the default) answers a <c>Warning</c> header for each, Ignore drops them silently.
    /// </summary>
    /// <exception cref="ApiException">400 for a body that is not an object, or Strict with unknown or duplicate fields.</exception>
    private async Task<T> DecodeAsync(HttpContext context, string optionsKind) =>
        Deserialize(await DecodeJsonAsync(context, optionsKind, isPatch: false).ConfigureAwait(false));

    private async Task<JsonObject> DecodeJsonAsync(HttpContext context, string optionsKind, bool isPatch)
    {
        var mode = FieldValidationReport.Parse(context.Request.Query["fieldValidation"].ToString(), optionsKind);
        var text = await ReadTextAsync(context).ConfigureAwait(false);
        var duplicates = new List<string>();
        var body = RequestBodies.ParseObject(text, context.Request.ContentType, _kind, duplicates);
        var unknown = new List<string>();
        var pruned = (JsonObject)body.DeepClone();
        SchemaPruner.Prune(pruned, _crd.Schema, unknown);
        var problems = FieldValidationReport.Problems(duplicates, unknown);
        if (FieldValidationReport.Refusal(mode, problems, _kind, ApiGroup.Version, isPatch, text) is { } refusal)
        {
            throw refusal;
        }

        Warn(context, mode, problems);
        return isPatch ? pruned : body;
    }

    private static void Warn(HttpContext context, FieldValidation mode, IReadOnlyList<string> problems)
    {
        if (mode != FieldValidation.Warn)
        {
            return;
        }

        foreach (var problem in problems)
        {
            context.Response.Headers.Append("Warning", FieldValidationReport.WarningHeader(problem));
        }
    }

    private static T Deserialize(JsonObject json) =>
        ResourceJson.Deserialize<T>(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString())));

    private async Task<bool> AdmitAsync(HttpContext context, T resource)
    {
        _applyDefaults(resource);
        var errors = _validate(resource);
        if (errors.Count == 0)
        {
            return true;
        }

        await StatusResponses.InvalidAsync(context, _plural, resource.Metadata.Name, errors).ConfigureAwait(false);
        return false;
    }

    private async Task StoreAsync(HttpContext context, int successCode, string? name, Func<Task<T>> write)
    {
        T stored;
        try
        {
            stored = await write().ConfigureAwait(false);
        }
        catch (StoreException e)
        {
            var (code, reason) = e.Kind switch
            {
                StoreErrorKind.NotFound => (StatusCodes.Status404NotFound, "NotFound"),
                StoreErrorKind.AlreadyExists => (StatusCodes.Status409Conflict, "AlreadyExists"),
                StoreErrorKind.Conflict => (StatusCodes.Status409Conflict, "Conflict"),
                StoreErrorKind.Expired => (StatusCodes.Status410Gone, "Expired"),
                _ => (StatusCodes.Status400BadRequest, "BadRequest"),
            };
            await StatusResponses.WriteAsync(
                context,
                code,
                reason,
                $"{_plural} \"{name}\": {e.Message}",
                StatusResponses.Details(_plural, name)).ConfigureAwait(false);
            return;
        }
        catch (LocalStoreException e)
        {
            // Below the resource semantics (a full disk, an I/O error): nothing was written, and the caller is told
            // why in a Status like every other error, not a bare 500. A full disk is 507: retry once space is freed.
            var (code, reason) = e.IsDiskFull
                ? (StatusCodes.Status507InsufficientStorage, "InsufficientStorage")
                : (StatusCodes.Status500InternalServerError, "InternalError");
            await StatusResponses.WriteAsync(
                context,
                code,
                reason,
                $"{_plural} \"{name}\" was not stored: {e.Message}",
                StatusResponses.Details(_plural, name)).ConfigureAwait(false);
            return;
        }

        await StatusResponses.WriteJsonAsync(context, successCode, ResourceJson.Serialize(stored)).ConfigureAwait(false);
    }

    private Task NotFoundAsync(HttpContext context, string name) =>
        StatusResponses.WriteAsync(
            context,
            StatusCodes.Status404NotFound,
            "NotFound",
            $"{_plural}.{ApiGroup.Group} \"{name}\" not found",
            StatusResponses.Details(_plural, name));

    private static bool IsWatch(HttpRequest request) =>
        request.Query["watch"] is { Count: > 0 } watch && (watch[0] is "true" or "1");

    private static Task WithNamespace(HttpContext context, Func<string, Task> next)
    {
        var ns = (string?)context.Request.RouteValues["namespace"];
        return Names.IsDns1123Label(ns)
            ? next(ns!)
            : StatusResponses.WriteAsync(context, StatusCodes.Status400BadRequest, "BadRequest", "namespace: " + Names.Dns1123LabelError(ns));
    }

    private static Task WithName(HttpContext context, Func<string, string, Task> next) =>
        WithNamespace(context, ns =>
        {
            var name = (string?)context.Request.RouteValues["name"];
            return Names.IsDns1123Label(name)
                ? next(ns, name!)
                : StatusResponses.WriteAsync(context, StatusCodes.Status400BadRequest, "BadRequest", "name: " + Names.Dns1123LabelError(name));
        });
}
