using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.Backends.Local.Storage;
using Serverless.Core.Api;
using Serverless.Hosting.KubeApi.Json;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.Hosting.KubeApi.Validation;

namespace Serverless.Platform.Admin;

/// <summary><see cref="ResourceApi{T}"/>: the scale subresource (spec.scale.minScale).</summary>
internal sealed partial class ResourceApi<T>
{
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
}
