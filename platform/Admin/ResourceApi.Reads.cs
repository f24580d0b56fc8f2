using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.Hosting.KubeApi.Errors;
using Serverless.Hosting.KubeApi.Formats;
using Serverless.Hosting.KubeApi.Lists;
using Serverless.Hosting.KubeApi.Tables;

namespace Serverless.Platform.Admin;

/// <summary><see cref="ResourceApi{T}"/>: list (with Tables, selectors and paging) and get.</summary>
internal sealed partial class ResourceApi<T>
{
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
}
