using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Naming;
using Serverless.Core.Serialization;

namespace Serverless.Platform.Admin;

/// <summary>
/// <c>?watch=true</c> as Kubernetes streams it: one JSON event per line, <c>{"type":"ADDED","object":{…}}</c>.
/// Without a resourceVersion the current objects come first as ADDED; an expired version ends the
/// stream with an ERROR event carrying a 410 Status, and the client lists again. A resourceVersion that is not a
/// version at all (<c>abc</c>, <c>-1</c>, beyond 64 bits) is refused with 400 before the stream starts.
/// </summary>
internal static class WatchStream
{
    public static async Task RunAsync<T>(HttpContext context, IResourceStore<T> store, string? ns, string? resourceVersion)
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
        var cancellationToken = context.RequestAborted;
        try
        {
            if (string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0")
            {
                var list = await store.ListAsync(ns, cancellationToken).ConfigureAwait(false);
                foreach (var item in list.Items)
                {
                    await WriteEventAsync(response, "ADDED", ResourceJson.Serialize(item), cancellationToken).ConfigureAwait(false);
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
                await WriteEventAsync(response, type, ResourceJson.Serialize(change.Object), cancellationToken).ConfigureAwait(false);
                await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
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
    }

    private static bool IsVersion(string? resourceVersion) =>
        string.IsNullOrEmpty(resourceVersion) || long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static Task WriteEventAsync(HttpResponse response, string type, string objectJson, CancellationToken cancellationToken) =>
        response.WriteAsync(new StringBuilder("{\"type\":\"").Append(type).Append("\",\"object\":").Append(objectJson).Append("}\n").ToString(), cancellationToken);
}
