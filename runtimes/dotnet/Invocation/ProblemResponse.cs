using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Serverless.Runtime.Dotnet.Invocation;

/// <summary>Writes RFC 7807 <c>application/problem+json</c> answers for failures the runtime itself reports.</summary>
internal static class ProblemResponse
{
    public const string ContentType = "application/problem+json";

    public static async Task WriteAsync(HttpResponse response, int statusCode, string detail)
    {
        var body = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("title", ReasonPhrases.GetReasonPhrase(statusCode));
            json.WriteNumber("status", statusCode);
            json.WriteString("detail", detail);
            json.WriteEndObject();
        }

        response.StatusCode = statusCode;
        response.ContentType = ContentType;
        response.ContentLength = body.WrittenCount;
        // Not the request's token: after a timeout it is already cancelled, and the answer must still go out.
        await response.Body.WriteAsync(body.WrittenMemory, CancellationToken.None);
    }
}
