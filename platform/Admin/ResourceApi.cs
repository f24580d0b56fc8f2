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
using Serverless.Hosting.KubeApi.Formats;
using Serverless.Hosting.KubeApi.Json;
using Serverless.Hosting.KubeApi.Schema;
using Serverless.Hosting.KubeApi.Validation;

namespace Serverless.Platform.Admin;

/// <summary>
/// The Kubernetes REST surface of one resource kind over an <see cref="IResourceStore{T}"/>:
/// list (and watch), get, create, replace, apply, delete, and the status subresource.
/// Admission (defaulting then validation) runs on every write of the spec. The verbs are in ResourceApi.Reads,
/// .Writes, .Scale and .Deletes; this file holds the routes and what they share (decoding, admission, storing).
/// </summary>
internal sealed partial class ResourceApi<T> where T : class, IResource
{
    private readonly IResourceStore<T> _store;
    private readonly string _kind;
    private readonly string _plural;
    private readonly Action<T> _applyDefaults;
    private readonly Func<T, IReadOnlyList<ValidationError>> _validate;
    private readonly Func<T, T, IReadOnlyList<ValidationError>>? _validateUpdate;
    private readonly TimeProvider _time;
    private readonly CustomResourceDefinition _crd;

    /// <param name="validateUpdate">Rules an update must keep against the stored object (the CRD's transition rules), if any.</param>
    public ResourceApi(
        IResourceStore<T> store,
        string kind,
        string plural,
        Action<T> applyDefaults,
        Func<T, IReadOnlyList<ValidationError>> validate,
        TimeProvider time,
        Func<T, T, IReadOnlyList<ValidationError>>? validateUpdate = null)
    {
        _validateUpdate = validateUpdate;
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

    private static JsonObject ToJsonObject(T resource) => JsonNode.Parse(ResourceJson.Serialize(resource))!.AsObject();

    /// <summary>JSON, a Table or PartialObjectMetadata by Accept; 406 when none is acceptable (YAML and protobuf are not written).</summary>
    private static ResponseFormat Negotiate(HttpContext context, bool list)
    {
        var format = ResponseFormat.Negotiate(context.Request.Headers.Accept.ToString(), list);
        return format is null || format.Kind == ResponseFormatKind.Yaml
            ? throw new ApiException(System.Net.HttpStatusCode.NotAcceptable, "NotAcceptable", "only the following media types are accepted: application/json")
            : format;
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

    /// <param name="current">The stored object an update replaces, for the update rules; null for a create.</param>
    private async Task<bool> AdmitAsync(HttpContext context, T resource, T? current = null)
    {
        _applyDefaults(resource);
        var errors = _validate(resource);
        if (errors.Count == 0 && current is not null && _validateUpdate is not null)
        {
            errors = _validateUpdate(current, resource);
        }

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
