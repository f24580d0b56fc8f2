using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.Backends.Local.Storage;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.Hosting.KubeApi.Errors;
using Serverless.Hosting.KubeApi.Validation;

namespace Serverless.Platform.Admin;

/// <summary><see cref="ResourceApi{T}"/>: delete, delete by selector, and the delete options.</summary>
internal sealed partial class ResourceApi<T>
{
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
}
