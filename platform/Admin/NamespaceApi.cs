using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Serverless.Core.Naming;
using Serverless.Hosting.KubeApi.Errors;
using Serverless.Hosting.KubeApi.Formats;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.Hosting.KubeApi.Tables;

namespace Serverless.Platform.Admin;

/// <summary>
/// Namespaces as objects (<c>/api/v1/namespaces</c>), enough for <c>kubectl get ns</c> and <c>kubectl create ns</c>:
/// <c>default</c>, every namespace a stored resource is in, and those created here. Local mode needs no namespace to
/// exist before a resource is put in it, so a created namespace is a name only, kept while the platform runs.
/// </summary>
internal sealed class NamespaceApi
{
    private const string Collection = "/api/v1/namespaces";

    private readonly Func<CancellationToken, Task<IEnumerable<string>>> _inUse;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _started;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _created = new(StringComparer.Ordinal);

    /// <param name="inUse">The namespaces stored resources are in.</param>
    public NamespaceApi(Func<CancellationToken, Task<IEnumerable<string>>> inUse, TimeProvider time)
    {
        _inUse = inUse;
        _time = time;
        _started = time.GetUtcNow();
    }

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet(Collection, ListAsync);
        routes.MapPost(Collection, CreateAsync);
        routes.MapGet(Collection + "/{name}", context => GetAsync(context, (string)context.Request.RouteValues["name"]!));
    }

    private async Task<SortedDictionary<string, DateTimeOffset>> AllAsync(CancellationToken cancellationToken)
    {
        var all = new SortedDictionary<string, DateTimeOffset>(StringComparer.Ordinal) { ["default"] = _started };
        foreach (var ns in await _inUse(cancellationToken).ConfigureAwait(false))
        {
            all.TryAdd(ns, _started);
        }

        foreach (var (ns, created) in _created)
        {
            all[ns] = all.TryGetValue(ns, out var seen) && seen < created ? seen : created;
        }

        return all;
    }

    private async Task ListAsync(HttpContext context)
    {
        if (Negotiate(context, list: true) is not { } format)
        {
            await NotAcceptableAsync(context).ConfigureAwait(false);
            return;
        }

        var items = (await AllAsync(context.RequestAborted).ConfigureAwait(false)).Select(e => Namespace(e.Key, e.Value)).ToList();
        var body = format.Kind == ResponseFormatKind.Table
            ? new TableConverter(null, _time).Table(items, "0", null, format.MetaVersion, context.Request.Query["includeObject"])
            : new JsonObject
            {
                ["kind"] = "NamespaceList",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject { ["resourceVersion"] = "0" },
                ["items"] = new JsonArray(items.Select(i => (JsonNode?)i).ToArray()),
            };
        await StatusResponses.WriteJsonAsync(context, StatusCodes.Status200OK, body.ToJsonString()).ConfigureAwait(false);
    }

    private async Task GetAsync(HttpContext context, string name)
    {
        if (Negotiate(context, list: false) is not { } format)
        {
            await NotAcceptableAsync(context).ConfigureAwait(false);
            return;
        }

        if (!(await AllAsync(context.RequestAborted).ConfigureAwait(false)).TryGetValue(name, out var created))
        {
            await StatusResponses.FailAsync(context, ApiException.NotFound(ResourceTypes.Namespaces, name)).ConfigureAwait(false);
            return;
        }

        var item = Namespace(name, created);
        var body = format.Kind == ResponseFormatKind.Table ? new TableConverter(null, _time).Table([item], "0", null, format.MetaVersion, null) : item;
        await StatusResponses.WriteJsonAsync(context, StatusCodes.Status200OK, body.ToJsonString()).ConfigureAwait(false);
    }

    private async Task CreateAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        string? name;
        if (context.Request.ContentType?.Split(';')[0].Trim() == ProtobufNamespace.MediaType)
        {
            name = ProtobufNamespace.TryReadName(buffer.ToArray());
        }
        else
        {
            try
            {
                var body = JsonNode.Parse(buffer.ToArray()) as JsonObject;
                name = body?["kind"]?.GetValue<string>() == "Namespace" ? body["metadata"]?["name"]?.GetValue<string>() : null;
            }
            catch (JsonException e)
            {
                await StatusResponses.FailAsync(context, ApiException.BadRequest("the body is not a valid Namespace: " + e.Message)).ConfigureAwait(false);
                return;
            }
        }

        if (!Names.IsDns1123Label(name))
        {
            await StatusResponses.FailAsync(context, ApiException.BadRequest("the body is not a Namespace with a valid metadata.name: " + Names.Dns1123LabelError(name))).ConfigureAwait(false);
            return;
        }

        if ((await AllAsync(context.RequestAborted).ConfigureAwait(false)).ContainsKey(name!) || !_created.TryAdd(name!, _time.GetUtcNow()))
        {
            await StatusResponses.FailAsync(context, ApiException.AlreadyExists(ResourceTypes.Namespaces, name!)).ConfigureAwait(false);
            return;
        }

        await StatusResponses.WriteJsonAsync(context, StatusCodes.Status201Created, Namespace(name!, _created[name!]).ToJsonString()).ConfigureAwait(false);
    }

    /// <summary>JSON or a Table; null when the client accepts neither (YAML, metadata-only and protobuf are not written here).</summary>
    private static ResponseFormat? Negotiate(HttpContext context, bool list) =>
        ResponseFormat.Negotiate(context.Request.Headers.Accept.ToString(), list) is { Kind: ResponseFormatKind.Json or ResponseFormatKind.Table } format ? format : null;

    private static Task NotAcceptableAsync(HttpContext context) =>
        StatusResponses.FailAsync(context, new ApiException(System.Net.HttpStatusCode.NotAcceptable, "NotAcceptable", "only the following media types are accepted: application/json"));

    private static JsonObject Namespace(string name, DateTimeOffset created) => new()
    {
        ["kind"] = "Namespace",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["resourceVersion"] = "0",
            ["creationTimestamp"] = created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = name },
        },
        ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
        ["status"] = new JsonObject { ["phase"] = "Active" },
    };
}
