using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using Microsoft.AspNetCore.Http;
using Serverless.Eventing.Binding;

namespace Serverless.Runtime.Dotnet.Events;

/// <summary>
/// <see cref="CloudEvent"/> → HttpResponse in binary mode: every attribute but <c>datacontenttype</c> as a
/// <c>ce-</c> header, the data as the body. The same rules as the node and python runtimes: a missing id is
/// generated; bytes go as they are (default <c>application/octet-stream</c>), a string as UTF-8 (default
/// <c>text/plain; charset=utf-8</c>), anything else as JSON with the web defaults, camelCase (default <c>application/json</c>). An invalid
/// event is the function's bug: <see cref="ReturnedEventException"/>, which the pipeline answers 500 naming the problem.
/// </summary>
internal static class CloudEventResponseWriter
{
    public static async Task WriteBinaryAsync(HttpResponse response, CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        if (cloudEvent.SpecVersion != CloudEventsSpecVersion.V1_0)
        {
            throw new ReturnedEventException($"the returned CloudEvent has specversion \"{cloudEvent.SpecVersion.VersionId}\"; it must be \"{CloudEventRequestReader.SpecVersion}\"");
        }

        if (cloudEvent.Source is null || cloudEvent.Source.OriginalString.Length == 0)
        {
            throw new ReturnedEventException("the returned CloudEvent is missing the required attribute \"source\"");
        }

        if (string.IsNullOrEmpty(cloudEvent.Type))
        {
            throw new ReturnedEventException("the returned CloudEvent is missing the required attribute \"type\"");
        }

        var (body, defaultContentType) = EncodeData(cloudEvent.Data);
        var contentType = cloudEvent.DataContentType ?? defaultContentType;

        response.StatusCode = StatusCodes.Status200OK;
        response.Headers["ce-specversion"] = CloudEventRequestReader.SpecVersion;
        response.Headers["ce-id"] = HeaderPercentEncoding.Encode(string.IsNullOrEmpty(cloudEvent.Id) ? Guid.NewGuid().ToString() : cloudEvent.Id);
        foreach (var (attribute, value) in cloudEvent.GetPopulatedAttributes())
        {
            if (attribute.Name is "specversion" or "id" or "datacontenttype")
            {
                continue;
            }

            response.Headers["ce-" + attribute.Name] = HeaderPercentEncoding.Encode(attribute.Format(value));
        }

        if (contentType is not null)
        {
            response.ContentType = contentType;
        }

        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, cancellationToken);
    }

    private static (byte[] Body, string? ContentType) EncodeData(object? data) => data switch
    {
        null => ([], null),
        byte[] bytes => (bytes, "application/octet-stream"),
        ReadOnlyMemory<byte> memory => (memory.ToArray(), "application/octet-stream"),
        string text => (Encoding.UTF8.GetBytes(text), "text/plain; charset=utf-8"),
        // Web defaults (camelCase), as minimal-API serializes a handler's other results.
        _ => (JsonSerializer.SerializeToUtf8Bytes(data, data.GetType(), JsonSerializerOptions.Web), "application/json"),
    };
}
