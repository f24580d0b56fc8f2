using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Hosting.KubeApi.Lists;

/// <summary>
/// The opaque <c>continue</c> token of a paged list, as the real server makes it: base64url of
/// <c>{"v":"meta.k8s.io/v1","rv":N,"start":"key\u0000"}</c> — the list's resourceVersion and where the next page starts.
/// </summary>
internal sealed record ContinueToken(long ResourceVersion, string After)
{
    public string Encode()
    {
        var json = new JsonObject { ["v"] = "meta.k8s.io/v1", ["rv"] = ResourceVersion, ["start"] = After + "\0" }.ToJsonString();
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
    }

    /// <exception cref="ApiException">400 for a token the server did not make.</exception>
    public static ContinueToken Decode(string token)
    {
        try
        {
            var bytes = Base64Url.DecodeFromChars(token);
            var json = JsonNode.Parse(bytes) as JsonObject ?? throw new JsonException("not an object");
            if (json["v"]?.GetValue<string>() != "meta.k8s.io/v1")
            {
                throw new JsonException("unsupported version");
            }

            var start = json["start"]?.GetValue<string>() ?? throw new JsonException("no start key");
            var version = json["rv"] is JsonValue rv && rv.TryGetValue<long>(out var number) ? number : throw new JsonException("no resourceVersion");
            return new ContinueToken(version, start.TrimEnd('\0'));
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            throw ApiException.BadRequest($"invalid continue token: continue key is not valid: {e.Message}");
        }
    }
}
