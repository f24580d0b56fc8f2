using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.Hosting.KubeApi.Selectors;

namespace Serverless.KubeApiServer.Http;

/// <summary>What a request says beyond its path: RBAC verb, identity, selectors and body text.</summary>
internal static class RequestReading
{
    public static string Verb(string method, string? name, bool watch) => method switch
    {
        "GET" when watch => "watch",
        "GET" => name is null ? "list" : "get",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => name is null ? "deletecollection" : "delete",
        _ => method.ToLowerInvariant(),
    };

    // The bearer token is the identity: the kubeconfig helper writes one token per component.
    public static string Identity(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization[7..].Trim();
        }

        return request.Headers["X-Remote-User"].ToString() is { Length: > 0 } user ? user : "anonymous";
    }

    public static LabelSelector Labels(IQueryCollection query) => Selector(() => LabelSelector.Parse(query["labelSelector"]));

    public static FieldSelector Fields(IQueryCollection query) => Selector(() => FieldSelector.Parse(query["fieldSelector"]));

    public static T Selector<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (ArgumentException e)
        {
            throw ApiException.BadRequest(e.Message);
        }
    }

    public static JsonObject AsObject(JsonNode? node) =>
        node as JsonObject ?? throw ApiException.BadRequest("the patched document is not a JSON object");

    public static async Task<string> ReadText(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
    }
}
