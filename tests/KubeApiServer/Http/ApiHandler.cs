using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Serverless.KubeApiServer.Audit;
using Serverless.KubeApiServer.Discovery;
using Serverless.KubeApiServer.Faults;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.KubeApiServer.Storage;

namespace Serverless.KubeApiServer.Http;

/// <summary>
/// Turns HTTP requests into store operations, answering as the Kubernetes API server does: routes it does not
/// serve get the plain-text 404 page, resource requests are audited, go through fault injection, and are answered
/// by <see cref="ReadHandler"/> and <see cref="WriteHandler"/>.
/// </summary>
internal sealed class ApiHandler
{
    private readonly ObjectStore _store;
    private readonly AuditLog _audit;
    private readonly FaultInjector _faults;
    private readonly TimeProvider _time;
    private readonly Func<Uri> _baseAddress;
    private readonly ReadHandler _reads;
    private readonly WriteHandler _writes;
    private CancellationTokenSource _stopping = new();
    private long _requests;

    public ApiHandler(ObjectStore store, AuditLog audit, FaultInjector faults, KubeApiDoubleOptions options, Func<Uri> baseAddress)
    {
        _store = store;
        _audit = audit;
        _faults = faults;
        _time = options.TimeProvider;
        _baseAddress = baseAddress;
        _reads = new ReadHandler(store, options.TimeProvider);
        _writes = new WriteHandler(store, options);
    }

    public ConcurrentDictionary<(string Namespace, string Pod), string> PodLogs { get; } = new();

    public long RequestCount => Interlocked.Read(ref _requests);

    /// <summary>Cuts every request in flight (watches, hung and delayed requests) as a server going away does.</summary>
    public void AbortAll()
    {
        var stopping = Interlocked.Exchange(ref _stopping, new CancellationTokenSource());
        stopping.Cancel();
        stopping.Dispose();
    }

    public async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var stopping = Volatile.Read(ref _stopping).Token;
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            await HandleCoreAsync(context, aborted.Token);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away, or the double is stopping: the connection goes with the request.
            context.Abort();
        }
    }

    private async Task HandleCoreAsync(HttpContext context, CancellationToken aborted)
    {
        var request = context.Request;
        var identity = RequestReading.Identity(request);
        var target = RequestTarget.Parse(request.Path.Value ?? "");
        if (target is null)
        {
            var probe = new AuditRecord(identity, "get", "", request.Path.Value ?? "", null, null, null, 0);
            if (_faults.Take(probe) is { } nonResourceFault && !await ApplyFault(context, nonResourceFault, probe, aborted))
            {
                return;
            }

            await DiscoveryEndpoints.TryServeAsync(context, _store.Types, _baseAddress(), aborted);
            return;
        }

        var type = _store.Resolve(target.Group, target.Version, target.Plural);
        var watch = RequestOptions.IsTrue(request.Query["watch"]);
        if (type is null || !Routable(type, target, request.Method))
        {
            _audit.Add(new AuditRecord(identity, request.Method.ToLowerInvariant(), target.Group, target.Plural, target.Subresource, target.Namespace, target.Name, 404));
            await Responses.NotFoundPage(context, aborted);
            return;
        }

        var record = new AuditRecord(identity, RequestReading.Verb(request.Method, target.Name, watch), target.Group, target.Plural, target.Subresource, target.Namespace, target.Name, 0);
        if (_faults.Take(record) is { } fault && !await ApplyFault(context, fault, record, aborted))
        {
            return;
        }

        try
        {
            var list = target.Name is null;
            var format = request.Method == "GET" && target.Subresource is null or "status"
                ? ResponseFormat.Negotiate(request.Headers.Accept.ToString(), list)
                    ?? throw new ApiException(HttpStatusCode.NotAcceptable, "NotAcceptable", ResponseFormat.NotAcceptableMessage)
                : ResponseFormat.Json;
            var ns = type.Namespaced ? target.Namespace : null;
            if (watch && request.Method == "GET" && list)
            {
                _audit.Add(record with { StatusCode = 200 });
                await _reads.WatchAsync(context, type, ns, format, aborted);
                return;
            }

            var answer = await Dispatch(request, type, ns, target, format);
            _audit.Add(record with { StatusCode = (int)answer.Code });
            await Responses.Write(context, answer, aborted);
        }
        catch (ApiException e) when (!context.Response.HasStarted)
        {
            _audit.Add(record with { StatusCode = (int)e.Code });
            await Responses.Status(context, e, aborted);
        }
        catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
        {
            // A bug in the double: answer as the API server does for an internal error, with the cause in the message.
            _audit.Add(record with { StatusCode = 500 });
            await Responses.Status(context, new ApiException(HttpStatusCode.InternalServerError, "InternalError", $"kube double: {e.GetType().Name}: {e.Message}"), aborted);
        }
    }

    private async Task<Answer> Dispatch(HttpRequest request, ResourceType type, string? ns, RequestTarget target, ResponseFormat format)
    {
        var name = target.Name;
        var sub = target.Subresource;
        switch (request.Method, name, sub)
        {
            case ("GET", null, _):
                return _reads.List(type, ns, request.Query, format);
            case ("POST", null, _):
                return await _writes.CreateAsync(request, type, ns);
            case ("DELETE", null, _):
                return await _writes.DeleteCollectionAsync(request, type, ns);
            case ("PUT" or "PATCH", null, _):
                throw ApiException.BadRequest("name must be provided");
            case ("GET", not null, "scale"):
                return new Answer(HttpStatusCode.OK, ScaleSubresource.View(type, _store.Get(type, ns, name)));
            case ("GET", not null, "log"):
                _store.Get(type, ns, name);
                return new Answer(HttpStatusCode.OK, null, Text: PodLogs.GetValueOrDefault((ns ?? "", name), ""));
            case ("GET", not null, _):
                return _reads.Get(type, ns, name, format, request.Query);
            case ("PUT", not null, _):
                return await _writes.UpdateAsync(request, type, ns, name, sub);
            case ("PATCH", not null, _):
                return await _writes.PatchAsync(request, type, ns, name, sub);
            case ("DELETE", not null, null):
                return await _writes.DeleteAsync(request, type, ns, name);
            default:
                throw new ApiException(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", $"the server does not allow this method on the requested resource");
        }
    }

    // The real server's routes: a namespaced kind across namespaces can only be listed or watched, a
    // cluster-scoped kind has no namespace, and only served subresources exist.
    private static bool Routable(ResourceType type, RequestTarget target, string method)
    {
        if (type.Namespaced && target.Namespace is null && (target.Name is not null || method != "GET"))
        {
            return false;
        }

        if (!type.Namespaced && target.Namespace is not null)
        {
            return false;
        }

        return target.Subresource switch
        {
            null => true,
            "status" => type.HasStatus,
            "scale" => type.Scale is not null,
            "log" => type == ResourceTypes.Pods,
            _ => false,
        };
    }

    /// <summary>Plays the fault; true when the request should then be answered normally (a delay).</summary>
    private async Task<bool> ApplyFault(HttpContext context, FaultRule fault, AuditRecord record, CancellationToken aborted)
    {
        switch (fault.Kind)
        {
            case FaultKind.Delay:
                await Task.Delay(fault.Delay, _time, aborted);
                return true;
            case FaultKind.Hang:
                _audit.Add(record with { StatusCode = 0 });
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, _time, aborted);
                }
                catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
                {
                    // The client gave up, which is what the fault is for.
                }

                return false;
            case FaultKind.Disconnect:
                _audit.Add(record with { StatusCode = 0 });
                context.Abort();
                return false;
            case FaultKind.Reset:
                _audit.Add(record with { StatusCode = 0 });
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json";
                await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"meta"), aborted);
                await context.Response.Body.FlushAsync(aborted);
                context.Abort();
                return false;
            default:
                _audit.Add(record with { StatusCode = fault.StatusCode });
                var code = (HttpStatusCode)fault.StatusCode;
                await Responses.Status(context, new ApiException(code, ReasonFor(code), $"injected failure ({fault.StatusCode})", new JsonObject()), aborted);
                return false;
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
}
