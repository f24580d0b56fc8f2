using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.Backends.Local.Storage;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Naming;
using Serverless.Core.Serialization;
using Serverless.Hosting.KubeApi.Errors;
using Serverless.Hosting.KubeApi.Fields;
using Serverless.Hosting.KubeApi.Json;
using Serverless.Hosting.KubeApi.Patching;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.Hosting.KubeApi.Validation;

namespace Serverless.Platform.Admin;

/// <summary><see cref="ResourceApi{T}"/>: create, replace, patch, apply and the status subresource.</summary>
internal sealed partial class ResourceApi<T>
{
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
        if (resource is null)
        {
            return;
        }

        var current = await _store.GetAsync(ns, name, context.RequestAborted).ConfigureAwait(false);
        if (!await AdmitAsync(context, resource, current).ConfigureAwait(false))
        {
            return;
        }

        if (current is not null)
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
            if (!await AdmitAsync(context, changed, current).ConfigureAwait(false))
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
}
