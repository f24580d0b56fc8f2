using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.AspNetCore.Http;

namespace Serverless.Runtime.Dotnet.Tests.Events;

/// <summary>Requests as the CloudEvents SDK's own HttpClient binding encodes them, as ASP.NET headers and body.</summary>
internal static class SdkEncoding
{
    public static async Task<(HeaderDictionary Headers, byte[] Body)> EncodeAsync(CloudEvent cloudEvent, ContentMode mode)
    {
        using var content = cloudEvent.ToHttpContent(mode, new JsonEventFormatter());
        var headers = new HeaderDictionary();
        foreach (var (name, values) in content.Headers)
        {
            headers[name] = values.ToArray();
        }

        return (headers, await content.ReadAsByteArrayAsync());
    }

    public static CloudEvent Sample() => new()
    {
        Id = "evt-1",
        Source = new Uri("urn:test/source with space"),
        Type = "com.example.created",
        Subject = "héllo \"quoted\" 100%",
        Time = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        DataContentType = "application/json",
        Data = new { name = "x", n = 1 },
    };
}
