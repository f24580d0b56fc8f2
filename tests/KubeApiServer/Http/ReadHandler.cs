using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.Hosting.KubeApi.Schema;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.KubeApiServer.Storage;
using Serverless.Hosting.KubeApi.Tables;

namespace Serverless.KubeApiServer.Http;

/// <summary>
/// Gets, lists and watches as the real server answers them: pages with continue tokens, lists at an exact (old)
/// resourceVersion, 410 once the history is compacted, and the object, YAML, Table or PartialObjectMetadata forms.
/// </summary>
internal sealed class ReadHandler(ObjectStore store, TimeProvider time)
{
    private const string ContinueTooOld =
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.";

    public Answer Get(ResourceType type, string? ns, string name, ResponseFormat format, IQueryCollection query)
    {
        var obj = store.Get(type, ns, name);
        return format.Kind switch
        {
            ResponseFormatKind.Table => new Answer(HttpStatusCode.OK, Tables(type).Table([obj], obj["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "", null, format.MetaVersion, query["includeObject"])),
            ResponseFormatKind.PartialObjectMetadata => new Answer(HttpStatusCode.OK, TableConverter.PartialObjectMetadata(obj, format.MetaVersion)),
            _ => new Answer(HttpStatusCode.OK, obj, Yaml: format.Kind == ResponseFormatKind.Yaml),
        };
    }

    public Answer List(ResourceType type, string? ns, IQueryCollection query, ResponseFormat format)
    {
        var labels = RequestReading.Labels(query);
        var fields = RequestReading.Fields(query);
        var match = RequestOptions.ResourceVersionMatch(query);
        var version = RequestOptions.ResourceVersion(query);
        var limit = RequestOptions.Limit(query);
        var continueText = query["continue"].ToString();

        ListQuery listQuery;
        if (continueText.Length > 0)
        {
            if (version is not null)
            {
                throw ApiException.InvalidOptions("ListOptions", FieldError.Forbidden("resourceVersion", "specifying resource version is not allowed when using continue"));
            }

            var token = ContinueToken.Decode(continueText);
            try
            {
                store.RequireRetained(token.ResourceVersion);
            }
            catch (ApiException e) when (e.Code == HttpStatusCode.Gone)
            {
                throw ApiException.Gone(ContinueTooOld);
            }

            listQuery = new ListQuery(token.ResourceVersion, token.After, limit);
        }
        else if (version == 0 && match != "Exact")
        {
            // resourceVersion=0 is served from the watch cache: everything, whatever the limit.
            listQuery = new ListQuery();
        }
        else if (match == "Exact")
        {
            listQuery = new ListQuery(version, Limit: limit);
        }
        else
        {
            if (version is { } notOlderThan)
            {
                store.RequireReached(notOlderThan);
            }

            listQuery = new ListQuery(Limit: limit);
        }

        var page = store.ListPage(type, ns, labels, fields, listQuery);
        var resourceVersion = Responses.Number(page.ResourceVersion);
        var next = page.NextAfter is { } after ? new ContinueToken(page.ResourceVersion, after).Encode() : null;
        switch (format.Kind)
        {
            case ResponseFormatKind.Table:
                return new Answer(HttpStatusCode.OK, Tables(type).Table(page.Items, resourceVersion, next, format.MetaVersion, query["includeObject"]));
            case ResponseFormatKind.PartialObjectMetadata:
                return new Answer(HttpStatusCode.OK, new JsonObject
                {
                    ["kind"] = "PartialObjectMetadataList",
                    ["apiVersion"] = $"meta.k8s.io/{format.MetaVersion}",
                    ["metadata"] = ListMeta(resourceVersion, next, null, includeEmptyContinue: false),
                    ["items"] = new JsonArray(page.Items.Select(o => (JsonNode?)TableConverter.PartialObjectMetadata(o, format.MetaVersion)).ToArray()),
                });
        }

        var list = ListObject(type, page.Items, ListMeta(resourceVersion, next, page.Remaining, includeEmptyContinue: IsCustom(type)));
        return new Answer(HttpStatusCode.OK, list, Yaml: format.Kind == ResponseFormatKind.Yaml);
    }

    public static JsonObject ListObject(ResourceType type, IEnumerable<JsonObject> items, JsonObject metadata) => new()
    {
        ["apiVersion"] = type.ApiVersion,
        ["items"] = new JsonArray(items.Select(i => (JsonNode?)i).ToArray()),
        ["kind"] = type.ListKind,
        ["metadata"] = metadata,
    };

    /// <summary>A custom resource list always says <c>continue</c>, empty on the last page; typed lists leave it out then.</summary>
    public static JsonObject ListMeta(string resourceVersion, string? next, long? remaining, bool includeEmptyContinue)
    {
        var meta = new JsonObject();
        if (next is not null || includeEmptyContinue)
        {
            meta["continue"] = next ?? "";
        }

        if (next is not null && remaining is { } count)
        {
            meta["remainingItemCount"] = count;
        }

        meta["resourceVersion"] = resourceVersion;
        return meta;
    }

    public static bool IsCustom(ResourceType type) => CustomResourceDefinitions.For(type) is not null;

    public async Task WatchAsync(HttpContext context, ResourceType type, string? ns, ResponseFormat format, CancellationToken aborted)
    {
        var query = context.Request.Query;
        var version = RequestOptions.ResourceVersion(query);
        var sendInitialEvents = RequestOptions.IsTrue(query["sendInitialEvents"]);
        var bookmarks = RequestOptions.IsTrue(query["allowWatchBookmarks"]);
        if (sendInitialEvents && query["resourceVersionMatch"] != "NotOlderThan")
        {
            throw ApiException.InvalidOptions("ListOptions", FieldError.Forbidden("resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"));
        }

        var from = sendInitialEvents ? null : version?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var watch = store.OpenWatch(type, ns, RequestReading.Labels(query), RequestReading.Fields(query), from, bookmarks, initialEventsEnd: sendInitialEvents && bookmarks);
        using var timeout = int.TryParse(query["timeoutSeconds"], out var seconds) && seconds > 0
            ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds), time)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, aborted);
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        var tables = format.Kind == ResponseFormatKind.Table ? Tables(type) : null;
        var first = true;
        try
        {
            // A real server sends the headers at once; a client waits for them before it reads any event.
            await response.StartAsync(linked.Token);
            await response.Body.FlushAsync(linked.Token);
            await foreach (var item in watch.Reader.ReadAllAsync(linked.Token))
            {
                var line = item;
                if (tables is not null && item["type"]?.GetValue<string>() is "ADDED" or "MODIFIED" or "DELETED" && item["object"] is JsonObject obj)
                {
                    line = new JsonObject
                    {
                        ["type"] = item["type"]!.DeepClone(),
                        ["object"] = tables.Table([obj], obj["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "", null, format.MetaVersion, query["includeObject"], withColumns: first),
                    };
                    first = false;
                }

                await response.Body.WriteAsync(Encoding.UTF8.GetBytes(Responses.Serialize(line) + "\n"), linked.Token);
                await response.Body.FlushAsync(linked.Token);
            }
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            // timeoutSeconds passed: the watch simply ends, as on a real server.
        }
        finally
        {
            store.CloseWatch(watch);
        }
    }

    private TableConverter Tables(ResourceType type) => new(CustomResourceDefinitions.For(type), time);
}
