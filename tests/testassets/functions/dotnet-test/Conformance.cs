using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CloudNative.CloudEvents;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace DotnetTest;

/// <summary>
/// The conformance test function (tests/testassets/conformance/README.md); its node and python twins
/// behave identically. Returns object: an IResult, a CloudEvent (sent in binary mode) or JSON.
/// </summary>
public static class Conformance
{
    private const int MaxEchoedBody = 4096;

    public static async Task<object> Handle(HttpContext context, CloudEvent? cloudEvent, CancellationToken cancellationToken)
    {
        if (cloudEvent is not null)
        {
            return new CloudEvent
            {
                Id = "reply-" + cloudEvent.Id,
                Source = new Uri("/conformance", UriKind.Relative),
                Type = "conformance.reply",
                DataContentType = "application/json",
                Data = new Dictionary<string, object?>
                {
                    ["id"] = cloudEvent.Id,
                    ["type"] = cloudEvent.Type,
                    ["source"] = cloudEvent.Source?.OriginalString,
                    ["data"] = cloudEvent.Data,
                },
            };
        }

        var request = context.Request;
        // As sent (percent-encoded), as node and python hand it over; HttpRequest.Path is decoded.
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        var path = rawTarget.Split('?', 2)[0];
        if (path.StartsWith("/status/", StringComparison.Ordinal))
        {
            var code = int.Parse(path["/status/".Length..], CultureInfo.InvariantCulture);
            return Results.Text($"status {code}", "text/plain; charset=utf-8", Encoding.UTF8, code);
        }

        if (path == "/throw")
        {
            throw new InvalidOperationException("boom");
        }

        if (path == "/identity")
        {
            return new[] { "K_SERVICE", "K_CONFIGURATION", "K_REVISION", "FUNCTION_NAMESPACE" }
                .ToDictionary(name => name, Environment.GetEnvironmentVariable);
        }

        if (path == "/slow")
        {
            var ms = int.Parse(request.Query["ms"].FirstOrDefault() ?? "1000", CultureInfo.InvariantCulture);
            await Task.Delay(ms, cancellationToken);
            return Results.Text("slept", "text/plain; charset=utf-8");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var body = buffer.ToArray();
        return new Dictionary<string, object?>
        {
            ["method"] = request.Method,
            ["path"] = path,
            ["query"] = request.Query.ToDictionary(q => q.Key, q => q.Value.FirstOrDefault()),
            ["headers"] = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(", ", h.Value.ToArray())),
            ["bodyLength"] = body.Length,
            ["bodySha256"] = Convert.ToHexStringLower(SHA256.HashData(body)),
            ["body"] = body.Length <= MaxEchoedBody ? Encoding.UTF8.GetString(body) : null,
        };
    }
}
