using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Serverless.KubeApiServer.Tests.Http;

/// <summary>Plain HTTP to the double, for what KubernetesClient does not send (YAML, field validation, raw patches) and to read Status bodies.</summary>
internal sealed class RawApi(KubeApiDouble server) : IDisposable
{
    public const string Functions = "apis/serverless.dev/v1alpha1/namespaces/default/functions";

    private readonly HttpClient _http = new() { BaseAddress = server.BaseAddress };

    public async Task<RawResponse> SendAsync(HttpMethod method, string path, object? body = null, string contentType = "application/json", string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        if (body is not null)
        {
            var text = body as string ?? ((JsonNode)body).ToJsonString();
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var response = await _http.SendAsync(request);
        var content = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        try
        {
            json = content.TrimStart().StartsWith('{') ? JsonNode.Parse(content) : null;
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON: the test reads Text.
        }

        var warnings = response.Headers.TryGetValues("Warning", out var values) ? values.ToList() : [];
        return new RawResponse(response.StatusCode, json, content, warnings);
    }

    public Task<RawResponse> PostAsync(string path, object body, string contentType = "application/json") => SendAsync(HttpMethod.Post, path, body, contentType);

    public Task<RawResponse> GetAsync(string path, string? accept = null) => SendAsync(HttpMethod.Get, path, accept: accept);

    public Task<RawResponse> PatchAsync(string path, object body, string contentType) => SendAsync(HttpMethod.Patch, path, body, contentType);

    public void Dispose() => _http.Dispose();
}
