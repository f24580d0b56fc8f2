using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.KubeApiServer.Audit;
using Serverless.KubeApiServer.Faults;
using Serverless.KubeApiServer.Patching;
using Serverless.KubeApiServer.Resources;
using Serverless.KubeApiServer.Selectors;
using Serverless.KubeApiServer.Storage;

namespace Serverless.KubeApiServer.Http;

/// <summary>Turns HTTP requests into store operations, answering as the Kubernetes API server does.</summary>
internal sealed class ApiHandler(ObjectStore store, AuditLog audit, FaultInjector faults, TimeProvider time)
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };
    private long _requests;

    public ConcurrentDictionary<(string Namespace, string Pod), string> PodLogs { get; } = new();

    public long RequestCount => Interlocked.Read(ref _requests);

    public async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var request = context.Request;
        var identity = RequestReading.Identity(request);
        var target = RequestTarget.Parse(request.Path.Value ?? "");
        var type = target is null ? null : store.Resolve(target.Group, target.Version, target.Plural);
        if (target is null || type is null)
        {
            audit.Add(new AuditRecord(identity, request.Method.ToLowerInvariant(), target?.Group ?? "", target?.Plural ?? request.Path.Value ?? "", target?.Subresource, target?.Namespace, target?.Name, 404));
            await WriteStatus(context, new ApiException(HttpStatusCode.NotFound, "NotFound", "the server could not find the requested resource"));
            return;
        }

        var watch = RequestReading.IsTrue(request.Query["watch"]);
        var record = new AuditRecord(identity, RequestReading.Verb(request.Method, target.Name, watch), target.Group, target.Plural, target.Subresource, target.Namespace, target.Name, 0);
        if (faults.Take(record) is { } fault)
        {
            await Inject(context, fault, record);
            return;
        }

        try
        {
            if (watch)
            {
                audit.Add(record with { StatusCode = 200 });
                await Watch(context, type, target);
                return;
            }

            var (code, body) = await Dispatch(context, type, target);
            audit.Add(record with { StatusCode = (int)code });
            await WriteJson(context, code, body);
        }
        catch (ApiException e)
        {
            audit.Add(record with { StatusCode = (int)e.Code });
            await WriteStatus(context, e);
        }
        catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
        {
            // A bug in the double: answer as the API server does for an internal error, with the cause in the message.
            audit.Add(record with { StatusCode = 500 });
            await WriteStatus(context, new ApiException(HttpStatusCode.InternalServerError, "InternalError", $"kube double: {e.GetType().Name}: {e.Message}"));
        }
    }

    private async Task<(HttpStatusCode, JsonNode?)> Dispatch(HttpContext context, ResourceType type, RequestTarget target)
    {
        var request = context.Request;
        var ns = type.Namespaced ? target.Namespace : null;
        if (type.Namespaced && ns is null && request.Method != "GET")
        {
            throw ApiException.BadRequest($"{type.Plural} is namespaced: the request needs a namespace");
        }

        var sub = target.Subresource;
        if (sub is not null && !(sub == "status" && type.HasStatus) && !(sub == "scale" && type.Scale is not null) && !(sub == "log" && type == ResourceTypes.Pods))
        {
            throw new ApiException(HttpStatusCode.NotFound, "NotFound", $"the server could not find the requested resource ({type.Plural}/{sub})");
        }

        if (target.Name is null)
        {
            return request.Method switch
            {
                "GET" => (HttpStatusCode.OK, List(type, ns, request.Query)),
                "POST" => (HttpStatusCode.Created, store.Create(type, ns, await RequestReading.ReadObject(request))),
                "DELETE" => (HttpStatusCode.OK, DeleteCollection(type, ns, request.Query)),
                _ => throw new ApiException(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", $"{request.Method} is not allowed on a collection"),
            };
        }

        var name = target.Name;
        switch (request.Method, sub)
        {
            case ("GET", "scale"):
                return (HttpStatusCode.OK, ScaleSubresource.View(type, store.Get(type, ns, name)));
            case ("GET", "log"):
                store.Get(type, ns, name);
                return (HttpStatusCode.OK, JsonValue.Create(PodLogs.GetValueOrDefault((ns ?? "", name), "")));
            case ("GET", _):
                return (HttpStatusCode.OK, store.Get(type, ns, name));
            case ("PUT", "scale"):
            {
                var scale = await RequestReading.ReadObject(request);
                return (HttpStatusCode.OK, WriteScale(type, ns, name, _ => scale));
            }

            case ("PUT", _):
            {
                var body = await RequestReading.ReadObject(request);
                if (!type.AllowUnconditionalUpdate && string.IsNullOrEmpty(body["metadata"]?["resourceVersion"]?.GetValue<string>()))
                {
                    throw ApiException.Invalid($"{type.Kind}.{type.Group} \"{name}\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update");
                }

                return (HttpStatusCode.OK, store.Write(type, ns, name, Part(sub), _ => body));
            }

            case ("PATCH", _):
                return await Patch(request, type, ns, name, sub);
            case ("DELETE", null):
                return (HttpStatusCode.OK, Delete(type, ns, name, request, await RequestReading.ReadOptionalObject(request)));
            default:
                throw new ApiException(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", $"{request.Method} is not allowed on {type.Plural}/{sub}");
        }
    }

    private JsonObject List(ResourceType type, string? ns, IQueryCollection query)
    {
        if (query["resourceVersionMatch"] == "Exact" && long.TryParse(query["resourceVersion"], CultureInfo.InvariantCulture, out var exact))
        {
            store.RequireRetained(exact);
        }

        var (items, version) = store.List(type, ns, RequestReading.Labels(query), RequestReading.Fields(query));
        return new JsonObject
        {
            ["kind"] = type.ListKind,
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture) },
            ["items"] = new JsonArray(items.Cast<JsonNode>().ToArray()),
        };
    }

    private async Task<(HttpStatusCode, JsonNode?)> Patch(HttpRequest request, ResourceType type, string? ns, string name, string? sub)
    {
        var contentType = (request.ContentType ?? "").Split(';')[0].Trim();
        var text = await RequestReading.ReadText(request);
        JsonNode? patch;
        try
        {
            patch = JsonNode.Parse(text);
        }
        catch (JsonException) when (contentType == "application/apply-patch+yaml")
        {
            patch = YamlToJson.Convert(text);
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"invalid patch body: {e.Message}");
        }

        Func<JsonObject, JsonObject> apply = contentType switch
        {
            "application/json-patch+json" => current => patch is JsonArray operations
                ? RequestReading.AsObject(JsonPatch.Apply(current, operations))
                : throw ApiException.BadRequest("a json patch must be an array of operations"),
            "application/merge-patch+json" or "application/strategic-merge-patch+json" or "application/apply-patch+yaml"
                => current => RequestReading.AsObject(MergePatch.Apply(current, patch)),
            _ => throw new ApiException(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", $"the body of the request was in an unknown format ({contentType})"),
        };

        if (contentType == "application/apply-patch+yaml")
        {
            if (string.IsNullOrEmpty(request.Query["fieldManager"]))
            {
                throw ApiException.Invalid("PatchOptions.meta.k8s.io is invalid: fieldManager: Required value: is required for apply patch");
            }

            // Server-side apply creates what does not exist yet.
            if (sub is null && store.TryGet(type, ns, name) is null)
            {
                var created = RequestReading.AsObject(MergePatch.Apply(new JsonObject(), patch));
                return (HttpStatusCode.Created, store.Create(type, ns, created));
            }
        }

        if (sub == "scale")
        {
            return (HttpStatusCode.OK, WriteScale(type, ns, name, scale => apply(scale)));
        }

        return (HttpStatusCode.OK, store.Write(type, ns, name, Part(sub), current =>
        {
            // A patch without a resourceVersion is unconditional: drop the stored one so the
            // precondition check only fires when the patch itself carries a version.
            var version = current["metadata"]?["resourceVersion"]?.DeepClone();
            ((JsonObject)current["metadata"]!).Remove("resourceVersion");
            var result = apply(current);
            if (result["metadata"] is JsonObject meta && meta["resourceVersion"] is null)
            {
                meta["resourceVersion"] = version;
            }

            return result;
        }));
    }

    private JsonObject WriteScale(ResourceType type, string? ns, string name, Func<JsonObject, JsonObject> change)
    {
        var mapping = type.Scale!;
        var written = store.Write(type, ns, name, WritePart.Main, current =>
        {
            var scale = change(ScaleSubresource.View(type, current));
            var replicas = JsonNumber.Int(scale["spec"]?["replicas"])
                ?? throw ApiException.Invalid("Scale is invalid: spec.replicas: Required value");
            if (replicas < 0)
            {
                throw ApiException.Invalid($"Scale is invalid: spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0");
            }

            JsonPath.Set(current, mapping.SpecReplicasPath, replicas);
            if (scale["metadata"]?["resourceVersion"]?.GetValue<string>() is { Length: > 0 } precondition)
            {
                current["metadata"]!["resourceVersion"] = precondition;
            }

            return current;
        });
        return ScaleSubresource.View(type, written);
    }

    private JsonObject Delete(ResourceType type, string? ns, string name, HttpRequest request, JsonObject? options)
    {
        var policyText = request.Query["propagationPolicy"].ToString() is { Length: > 0 } q ? q : options?["propagationPolicy"]?.GetValue<string>();
        var policy = policyText switch
        {
            null or "" or "Background" => PropagationPolicy.Background,
            "Foreground" => PropagationPolicy.Foreground,
            "Orphan" => PropagationPolicy.Orphan,
            _ => throw ApiException.BadRequest($"invalid propagationPolicy '{policyText}': must be Orphan, Background or Foreground"),
        };
        var precondition = options?["preconditions"]?["resourceVersion"]?.GetValue<string>();
        var deleted = store.Delete(type, ns, name, policy, precondition);
        return deleted["metadata"]?["deletionTimestamp"] is not null
            ? deleted
            : StatusObjects.Success(name, type.Group, type.Kind, deleted["metadata"]?["uid"]?.GetValue<string>());
    }

    private JsonObject DeleteCollection(ResourceType type, string? ns, IQueryCollection query)
    {
        var (items, _) = store.List(type, ns, RequestReading.Labels(query), RequestReading.Fields(query));
        foreach (var item in items)
        {
            var meta = item["metadata"]!;
            try
            {
                store.Delete(type, meta["namespace"]?.GetValue<string>(), meta["name"]!.GetValue<string>(), PropagationPolicy.Background, null);
            }
            catch (ApiException e) when (e.Code == HttpStatusCode.NotFound)
            {
                // Collected as a dependent of an earlier item.
            }
        }

        return List(type, ns, query);
    }

    private async Task Watch(HttpContext context, ResourceType type, RequestTarget target)
    {
        var query = context.Request.Query;
        var watch = store.OpenWatch(
            type,
            type.Namespaced ? target.Namespace : null,
            RequestReading.Labels(query),
            RequestReading.Fields(query),
            query["resourceVersion"],
            RequestReading.IsTrue(query["allowWatchBookmarks"]));
        using var timeout = int.TryParse(query["timeoutSeconds"], CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds), time)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, context.RequestAborted);
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json";
        try
        {
            await response.StartAsync(linked.Token);
            await foreach (var item in watch.Reader.ReadAllAsync(linked.Token))
            {
                var line = Encoding.UTF8.GetBytes(item.ToJsonString(Compact) + "\n");
                await response.Body.WriteAsync(line, linked.Token);
                await response.Body.FlushAsync(linked.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Client went away or timeoutSeconds passed: the watch simply ends, as on a real server.
        }
        finally
        {
            store.CloseWatch(watch);
        }
    }

    private async Task Inject(HttpContext context, FaultRule fault, AuditRecord record)
    {
        switch (fault.Kind)
        {
            case FaultKind.Hang:
                audit.Add(record with { StatusCode = 0 });
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, time, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The client gave up, which is what the fault is for.
                }

                return;
            case FaultKind.Disconnect:
                audit.Add(record with { StatusCode = 0 });
                context.Abort();
                return;
            default:
                audit.Add(record with { StatusCode = fault.StatusCode });
                var code = (HttpStatusCode)fault.StatusCode;
                if (code == HttpStatusCode.TooManyRequests)
                {
                    context.Response.Headers.RetryAfter = "1";
                }

                await WriteStatus(context, new ApiException(code, ReasonFor(code), $"injected failure ({fault.StatusCode})"));
                return;
        }
    }

    private static string ReasonFor(HttpStatusCode code) => code switch
    {
        HttpStatusCode.Conflict => "Conflict",
        HttpStatusCode.NotFound => "NotFound",
        HttpStatusCode.Gone => "Expired",
        HttpStatusCode.TooManyRequests => "TooManyRequests",
        HttpStatusCode.ServiceUnavailable => "ServiceUnavailable",
        HttpStatusCode.GatewayTimeout => "Timeout",
        _ => "InternalError",
    };

    private static WritePart Part(string? sub) => sub == "status" ? WritePart.Status : WritePart.Main;

    private static Task WriteStatus(HttpContext context, ApiException e) =>
        WriteJson(context, e.Code, StatusObjects.Failure(e.Code, e.Reason, e.Message));

    private static async Task WriteJson(HttpContext context, HttpStatusCode code, JsonNode? body)
    {
        var response = context.Response;
        response.StatusCode = (int)code;
        if (body is JsonValue text && text.TryGetValue<string>(out var plain))
        {
            response.ContentType = "text/plain";
            await response.WriteAsync(plain, context.RequestAborted);
            return;
        }

        response.ContentType = "application/json";
        await response.WriteAsync(body?.ToJsonString(Compact) ?? "{}", context.RequestAborted);
    }
}
