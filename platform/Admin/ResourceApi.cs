using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Serverless.Backends.Local.Storage;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Naming;
using Serverless.Core.Serialization;
using Serverless.Core.Validation;

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

    public ResourceApi(IResourceStore<T> store, string kind, string plural, Action<T> applyDefaults, Func<T, IReadOnlyList<ValidationError>> validate)
    {
        _store = store;
        _kind = kind;
        _plural = plural;
        _applyDefaults = applyDefaults;
        _validate = validate;
    }

    public void Map(IEndpointRouteBuilder routes)
    {
        var group = $"/apis/{ApiGroup.Group}/{ApiGroup.Version}";
        var collection = $"{group}/namespaces/{{namespace}}/{_plural}";
        routes.MapGet($"{group}/{_plural}", context => ListAsync(context, null));
        routes.MapGet(collection, context => WithNamespace(context, ns => ListAsync(context, ns)));
        routes.MapPost(collection, context => WithNamespace(context, ns => CreateAsync(context, ns)));
        routes.MapGet(collection + "/{name}", context => WithName(context, (ns, name) => GetAsync(context, ns, name)));
        routes.MapPut(collection + "/{name}", context => WithName(context, (ns, name) => ReplaceAsync(context, ns, name)));
        routes.MapMethods(collection + "/{name}", ["PATCH"], context => WithName(context, (ns, name) => ApplyAsync(context, ns, name)));
        routes.MapDelete(collection + "/{name}", context => WithName(context, (ns, name) => DeleteAsync(context, ns, name)));
        routes.MapGet(collection + "/{name}/status", context => WithName(context, (ns, name) => GetAsync(context, ns, name)));
        routes.MapPut(collection + "/{name}/status", context => WithName(context, (ns, name) => ReplaceStatusAsync(context, ns, name)));
    }

    private async Task ListAsync(HttpContext context, string? ns)
    {
        if (IsWatch(context.Request))
        {
            await WatchStream.RunAsync(context, _store, ns, context.Request.Query["resourceVersion"]).ConfigureAwait(false);
            return;
        }

        var list = await _store.ListAsync(ns, context.RequestAborted).ConfigureAwait(false);
        var json = new StringBuilder()
            .Append("{\"apiVersion\":\"").Append(ApiGroup.ApiVersion)
            .Append("\",\"kind\":\"").Append(_kind).Append("List\",\"metadata\":{\"resourceVersion\":")
            .Append(JsonSerializer.Serialize(list.ResourceVersion))
            .Append("},\"items\":[")
            .AppendJoin(',', list.Items.Select(ResourceJson.Serialize))
            .Append("]}");
        await StatusResponses.WriteJsonAsync(context, StatusCodes.Status200OK, json.ToString()).ConfigureAwait(false);
    }

    private async Task GetAsync(HttpContext context, string ns, string name)
    {
        var resource = await _store.GetAsync(ns, name, context.RequestAborted).ConfigureAwait(false);
        if (resource is null)
        {
            await NotFoundAsync(context, name).ConfigureAwait(false);
            return;
        }

        await StatusResponses.WriteJsonAsync(context, StatusCodes.Status200OK, ResourceJson.Serialize(resource)).ConfigureAwait(false);
    }

    private async Task CreateAsync(HttpContext context, string ns)
    {
        var resource = await ReadAsync(context, ns, expectedName: null).ConfigureAwait(false);
        if (resource is null || !await AdmitAsync(context, resource).ConfigureAwait(false))
        {
            return;
        }

        await StoreAsync(context, StatusCodes.Status201Created, resource.Metadata.Name, () => _store.CreateAsync(resource, context.RequestAborted)).ConfigureAwait(false);
    }

    private async Task ReplaceAsync(HttpContext context, string ns, string name)
    {
        var resource = await ReadAsync(context, ns, name).ConfigureAwait(false);
        if (resource is null || !await AdmitAsync(context, resource).ConfigureAwait(false))
        {
            return;
        }

        await StoreAsync(context, StatusCodes.Status200OK, name, () => _store.ReplaceAsync(resource, context.RequestAborted)).ConfigureAwait(false);
    }

    /// <summary>
    /// A whole-object apply (<c>application/apply-patch+json</c>): create when missing, otherwise replace metadata and
    /// spec — unconditionally, or only at the <c>resourceVersion</c> the body names (409 when it is stale). Field
    /// ownership as in server-side apply is not tracked.
    /// </summary>
    private async Task ApplyAsync(HttpContext context, string ns, string name)
    {
        var mediaType = MediaType(context.Request.ContentType);
        if (mediaType is not ("application/apply-patch+json" or "application/apply-patch+yaml"))
        {
            await StatusResponses.WriteAsync(
                context,
                StatusCodes.Status415UnsupportedMediaType,
                "UnsupportedMediaType",
                $"PATCH supports only application/apply-patch+json (JSON content), got \"{Names.Printable(mediaType)}\"").ConfigureAwait(false);
            return;
        }

        var resource = await ReadAsync(context, ns, name, apply: true).ConfigureAwait(false);
        if (resource is null || !await AdmitAsync(context, resource).ConfigureAwait(false))
        {
            return;
        }

        // A resourceVersion in the body is a precondition, as on the real server: the store's optimistic concurrency
        // turns a stale one into 409; none means apply over whatever is there.
        var exists = await _store.GetAsync(ns, name, context.RequestAborted).ConfigureAwait(false) is not null;
        if (!exists && resource.Metadata.ResourceVersion is { Length: > 0 } expected)
        {
            await StatusResponses.WriteAsync(
                context,
                StatusCodes.Status409Conflict,
                "Conflict",
                $"Operation cannot be fulfilled on {_plural} \"{name}\": the object does not exist, so resourceVersion \"{Names.Printable(expected)}\" cannot match").ConfigureAwait(false);
            return;
        }

        await StoreAsync(
            context,
            exists ? StatusCodes.Status200OK : StatusCodes.Status201Created,
            name,
            () => exists ? _store.ReplaceAsync(resource, context.RequestAborted) : _store.CreateAsync(resource, context.RequestAborted)).ConfigureAwait(false);
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
        if (!await _store.DeleteAsync(ns, name, context.RequestAborted).ConfigureAwait(false))
        {
            await NotFoundAsync(context, name).ConfigureAwait(false);
            return;
        }

        await StatusResponses.WriteAsync(
            context,
            StatusCodes.Status200OK,
            "",
            $"{_plural} \"{name}\" deleted",
            StatusResponses.Details(_plural, name)).ConfigureAwait(false);
    }

    /// <summary>Reads and checks the body; answers 400/413 itself and returns null on a bad one.</summary>
    private async Task<T?> ReadAsync(HttpContext context, string ns, string? expectedName, bool apply = false)
    {
        if (!apply && !IsJson(context.Request.ContentType))
        {
            // As the real server words it; a body with no type is refused too rather than guessed at.
            await StatusResponses.WriteAsync(
                context,
                StatusCodes.Status415UnsupportedMediaType,
                "UnsupportedMediaType",
                $"the body of the request was in an unknown format (\"{Names.Printable(context.Request.ContentType)}\") - accepted media types include: application/json").ConfigureAwait(false);
            return null;
        }

        T resource;
        try
        {
            resource = await JsonSerializerReadAsync(context).ConfigureAwait(false);
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

    private static bool IsJson(string? contentType) =>
        string.Equals(MediaType(contentType), "application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The media type of a Content-Type, without its parameters (<c>; charset=utf-8</c>).</summary>
    private static string? MediaType(string? contentType) => contentType?.Split(';')[0].Trim();

    private static async Task<T> JsonSerializerReadAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        buffer.Position = 0;
        if (buffer.Length == 0)
        {
            throw new JsonException("the body is empty");
        }

        return ResourceJson.Deserialize<T>(buffer);
    }

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
