using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using k8s.Models;
using Serverless.Cli.App;
using Serverless.Cli.Platform;
using Serverless.Core.Api;
using Serverless.Core.Serialization;

namespace Serverless.Cli.Targets.Local;

/// <summary>
/// Typed calls to the platform's Kubernetes-shaped admin API. Error responses become
/// <see cref="AdminApiException"/> carrying the server's Status; a refused connection becomes
/// <see cref="PlatformNotRunningException"/>, since that is what it means for a local platform.
/// </summary>
internal sealed class AdminClient
{
    private const string ResourceBase = "apis/" + ApiGroup.Group + "/" + ApiGroup.Version + "/";
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _http;
    private readonly string _platformLog;

    /// <param name="http">Its BaseAddress is the admin URL; it carries the bearer token when one is configured.</param>
    /// <param name="platformLog">Named in the hint of server-side failures.</param>
    public AdminClient(HttpClient http, string platformLog = "the platform's log")
    {
        _http = http;
        _platformLog = platformLog;
    }

    /// <summary>Functions of one namespace, or of all when <paramref name="namespace"/> is null.</summary>
    public async Task<IReadOnlyList<Function>> ListAsync(string? @namespace, CancellationToken cancellationToken)
    {
        var path = @namespace is null ? ResourceBase + Function.Plural : Collection(@namespace);
        var list = await SendAsync<FunctionList>(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return list.Items?.ToArray() ?? [];
    }

    /// <summary>The Revisions of <paramref name="function"/>, selected by their function label as kubectl -l would.</summary>
    public async Task<IReadOnlyList<Revision>> ListRevisionsAsync(string @namespace, string function, CancellationToken cancellationToken)
    {
        var path = Collection(@namespace, Revision.Plural) + "?labelSelector=" + Uri.EscapeDataString(Core.Naming.RevisionNames.FunctionLabel + "=" + function);
        var list = await SendAsync<RevisionList>(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        return list.Items?.ToArray() ?? [];
    }

    public Task<Function> GetAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        SendAsync<Function>(HttpMethod.Get, Item(@namespace, name), null, cancellationToken);

    public Task<Function> CreateAsync(Function function, CancellationToken cancellationToken) =>
        SendAsync<Function>(HttpMethod.Post, Collection(function.Metadata.NamespaceProperty), function, cancellationToken);

    /// <summary>PUT; with metadata.resourceVersion set, a concurrent change makes it fail with reason Conflict.</summary>
    public Task<Function> ReplaceAsync(Function function, CancellationToken cancellationToken) =>
        SendAsync<Function>(HttpMethod.Put, Item(function.Metadata.NamespaceProperty, function.Metadata.Name), function, cancellationToken);

    public async Task DeleteAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(HttpMethod.Delete, Item(@namespace, name), null, cancellationToken).ConfigureAwait(false);
    }

    public Task<Trigger> GetTriggerAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        SendAsync<Trigger>(HttpMethod.Get, Item(@namespace, name, Trigger.Plural), null, cancellationToken);

    public Task<Trigger> CreateTriggerAsync(Trigger trigger, CancellationToken cancellationToken) =>
        SendAsync<Trigger>(HttpMethod.Post, Collection(trigger.Metadata.NamespaceProperty, Trigger.Plural), trigger, cancellationToken);

    public Task<Trigger> ReplaceTriggerAsync(Trigger trigger, CancellationToken cancellationToken) =>
        SendAsync<Trigger>(HttpMethod.Put, Item(trigger.Metadata.NamespaceProperty, trigger.Metadata.Name, Trigger.Plural), trigger, cancellationToken);

    /// <summary>A GET of any admin path answering JSON (e.g. <c>stats/functions</c>).</summary>
    public Task<T> GetJsonAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(HttpMethod.Get, path, null, cancellationToken);

    /// <summary>
    /// A GET whose successful response is returned as soon as its headers arrive, for bodies that stream
    /// (a followed log). The caller disposes the response; errors are mapped as for every other call.
    /// </summary>
    public Task<HttpResponseMessage> OpenStreamAsync(string path, CancellationToken cancellationToken) =>
        SendRawAsync(HttpMethod.Get, path, null, cancellationToken, HttpCompletionOption.ResponseHeadersRead);

    /// <summary>The path of a function's log stream.</summary>
    public static string LogPath(string @namespace, string name, bool follow, int tailLines) =>
        Item(@namespace, name) + "/log?follow=" + (follow ? "true" : "false") + "&tailLines=" + tailLines.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Collection(string @namespace, string plural = Function.Plural) =>
        ResourceBase + "namespaces/" + Uri.EscapeDataString(@namespace) + "/" + plural;

    private static string Item(string @namespace, string name, string plural = Function.Plural) =>
        Collection(@namespace, plural) + "/" + Uri.EscapeDataString(name);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, body, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return ResourceJson.Deserialize<T>(text);
        }
        catch (JsonException ex)
        {
            throw new CliException($"the admin API answered {method} {path} with a body that is not a {typeof(T).Name}: {ex.Message}", inner: ex);
        }
    }

    /// <summary>Sends and returns a successful response; every failure is turned into an exception with a next step.</summary>
    private async Task<HttpResponseMessage> SendRawAsync(
        HttpMethod method, string path, object? body, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        // A write names every field it means: the admin API refuses unknown or duplicate ones (fieldValidation=Strict)
        // rather than dropping them, so a typo in a func.yaml key is an error, as kubectl makes it.
        using var request = new HttpRequestMessage(method, body is null ? path : path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "fieldValidation=Strict");
        if (body is not null)
        {
            request.Content = new StringContent(ResourceJson.Serialize(body), Encoding.UTF8);
            request.Content.Headers.ContentType = Json;
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            throw new PlatformNotRunningException($"the admin API at {_http.BaseAddress} refused the connection", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException($"{method} {_http.BaseAddress}{path} failed: {ex.Message}", $"check {_platformLog}, or restart the platform with `func down` and `func up`", inner: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(
                $"the admin API at {_http.BaseAddress} did not answer {method} {path} within {_http.Timeout.TotalSeconds:0} s",
                $"check {_platformLog}, or restart the platform with `func down` and `func up`",
                inner: ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<AdminApiException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var status = ParseStatus(text);
        var code = response.StatusCode;
        var hint = code switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                $"the CLI sends ${AdminTokenFile.Variable} when it is set, else the {AdminTokenFile.FileName} file the platform wrote in its home: unset the variable, or set it to the token the platform was started with",
            HttpStatusCode.UnprocessableEntity => "fix the fields listed above and try again",
            HttpStatusCode.Conflict => "it was changed concurrently: try again",
            >= HttpStatusCode.InternalServerError => $"the platform failed to handle the request: see {_platformLog}",
            _ => null,
        };
        if (status is null)
        {
            var snippet = text.Length > 200 ? text[..200] + "…" : text;
            return new AdminApiException(code, null, $"the admin API answered {(int)code} {response.ReasonPhrase}{(snippet.Length > 0 ? ": " + snippet : "")}", [], hint);
        }

        var causes = status.Details?.Causes?
            .Select(c => string.IsNullOrEmpty(c.Field) ? c.Message : c.Field + ": " + c.Message)
            .ToArray() ?? [];
        return new AdminApiException(code, status.Reason, status.Message ?? $"the admin API answered {(int)code} {status.Reason}", causes, hint);
    }

    private static V1Status? ParseStatus(string text)
    {
        if (text.Length == 0 || text[0] != '{')
        {
            return null;
        }

        try
        {
            var status = ResourceJson.Deserialize<V1Status>(text);
            return status.Kind == "Status" ? status : null;
        }
        catch (JsonException)
        {
            // Not a Status body (a proxy's error page, say): the caller reports the raw text instead.
            return null;
        }
    }
}
