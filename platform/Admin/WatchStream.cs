using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Naming;
using Serverless.Core.Serialization;
using Serverless.Hosting.KubeApi.Tables;

namespace Serverless.Platform.Admin;

/// <summary>
/// <c>?watch=true</c> as Kubernetes streams it: one JSON event per line, <c>{"type":"ADDED","object":{…}}</c>, only
/// for objects the request's label and field selectors match, each object as a one-row Table when the client asked for
/// tables (<c>kubectl get -w</c>). <c>timeoutSeconds</c> ends the stream; with <c>allowWatchBookmarks</c> a BOOKMARK
/// carrying the last resourceVersion comes just before, so the client resumes from there.
/// Without a resourceVersion the current objects come first as ADDED; an expired version ends the
/// stream with an ERROR event carrying a 410 Status, and the client lists again. A resourceVersion that is not a
/// version at all (<c>abc</c>, <c>-1</c>, beyond 64 bits) is refused with 400 before the stream starts.
/// </summary>
internal static class WatchStream
{
    public static async Task RunAsync<T>(
        HttpContext context, IResourceStore<T> store, string? ns, string? resourceVersion, ListRequest request, TableConverter? tables, TimeProvider time)
        where T : class, IResource
    {
        var response = context.Response;
        if (!IsVersion(resourceVersion))
        {
            // The real server parses it as an unsigned integer and answers 500; it is the client's input, so 400.
            await StatusResponses.WriteAsync(
                context,
                StatusCodes.Status400BadRequest,
                "BadRequest",
                $"resourceVersion: Invalid value: \"{Names.Printable(resourceVersion)}\": must be a resource version this server issued (a non-negative integer)").ConfigureAwait(false);
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        var aborted = context.RequestAborted;
        var query = context.Request.Query;
        using var timeout = int.TryParse(query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds), time)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, aborted);
        var cancellationToken = linked.Token;
        var bookmarks = query["allowWatchBookmarks"] is { Count: > 0 } allow && allow[0] is "true" or "1";
        var first = true;
        // Which objects the client has been told are in its selection: one that leaves it (a label changed) is DELETED
        // for this watcher, and, once the watch began with the whole selection (no resourceVersion), one that enters
        // it is ADDED, as the real server decides from the old and new object. A watch resumed from a resourceVersion
        // does not know what was selected before it began: there, a change keeps its own type, and one that takes an
        // object out of the selection is reported only for objects this watch has shown.
        var selected = new HashSet<string>(StringComparer.Ordinal);
        var complete = string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0";
        var everything = request.Labels.IsEverything && request.Fields.IsEverything;
        async Task EmitAsync(string type, T resource)
        {
            var json = JsonNode.Parse(ResourceJson.Serialize(resource))!.AsObject();
            var key = ListRequest.Key(json);
            var matches = request.Labels.Matches(json) && request.Fields.Matches(json);
            var known = selected.Contains(key);
            var sent = everything ? type : (type, matches, known) switch
            {
                ("DELETED", _, _) => known || !complete ? (matches || known ? "DELETED" : null) : null,
                (_, true, true) => "MODIFIED",
                (_, true, false) => complete ? "ADDED" : type,
                (_, false, true) => "DELETED",
                (_, false, false) => null,
            };
            if (sent is null)
            {
                return;
            }

            if (sent == "DELETED")
            {
                selected.Remove(key);
            }
            else
            {
                selected.Add(key);
            }

            var body = tables is null
                ? json
                : tables.Table([json], resource.Metadata.ResourceVersion ?? "", null, "v1", query["includeObject"], withColumns: first);
            first = false;
            await WriteEventAsync(response, sent, body.ToJsonString(), cancellationToken).ConfigureAwait(false);
        }

        try
        {
            // A real server sends the headers at once; a client waits for them before it reads any event.
            await response.StartAsync(cancellationToken).ConfigureAwait(false);
            await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0")
            {
                var list = await store.ListAsync(ns, cancellationToken).ConfigureAwait(false);
                foreach (var item in list.Items)
                {
                    await EmitAsync("ADDED", item).ConfigureAwait(false);
                }

                resourceVersion = list.ResourceVersion;
                await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            await foreach (var change in store.WatchAsync(ns, resourceVersion, cancellationToken).ConfigureAwait(false))
            {
                var type = change.Type switch
                {
                    WatchEventType.Added => "ADDED",
                    WatchEventType.Modified => "MODIFIED",
                    _ => "DELETED",
                };
                resourceVersion = change.Object.Metadata.ResourceVersion ?? resourceVersion;
                await EmitAsync(type, change.Object).ConfigureAwait(false);
                await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            // timeoutSeconds passed: the watch ends, as on a real server (below, after a bookmark if the client takes them).
        }
        catch (StoreException e) when (e.Kind == StoreErrorKind.Expired)
        {
            var status = StatusResponses.Body(StatusCodes.Status410Gone, "Expired", e.Message);
            await WriteEventAsync(response, "ERROR", StatusResponses.Serialize(status), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away or the platform is stopping: the stream just ends.
        }

        // A store watch may end quietly rather than throw when its token is cancelled: the timeout decides either way.
        if (bookmarks && timeout.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            var bookmark = new JsonObject
            {
                ["kind"] = typeof(T).Name,
                ["apiVersion"] = ApiGroup.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion },
            };
            await WriteEventAsync(response, "BOOKMARK", bookmark.ToJsonString(), aborted).ConfigureAwait(false);
            await response.Body.FlushAsync(aborted).ConfigureAwait(false);
        }
    }

    private static bool IsVersion(string? resourceVersion) =>
        string.IsNullOrEmpty(resourceVersion) || long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static Task WriteEventAsync(HttpResponse response, string type, string objectJson, CancellationToken cancellationToken) =>
        response.WriteAsync(new StringBuilder("{\"type\":\"").Append(type).Append("\",\"object\":").Append(objectJson).Append("}\n").ToString(), cancellationToken);
}
