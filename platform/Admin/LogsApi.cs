using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Serverless.Backends.Local.Processes;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Naming;

namespace Serverless.Platform.Admin;

/// <summary>
/// <c>GET …/namespaces/{ns}/functions/{name}/log?follow=true&amp;tailLines=N</c>, shaped like the Kubernetes pod
/// log subresource: <c>text/plain</c>, one line per log line over all instances, "<c>{instance} {time} {stream} {text}</c>".
/// Without follow it ends after the last <c>tailLines</c> lines (default 100); with follow it then streams new
/// lines (polled every 250 ms) until the client goes away.
/// </summary>
internal sealed class LogsApi
{
    public const int DefaultTailLines = 100;
    public const int MaxTailLines = 100_000;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly IResourceStore<Function> _store;
    private readonly LocalProcessBackend _backend;
    private readonly TimeProvider _time;

    public LogsApi(IResourceStore<Function> store, LocalProcessBackend backend, TimeProvider time)
    {
        _store = store;
        _backend = backend;
        _time = time;
    }

    public void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet($"/apis/{ApiGroup.Group}/{ApiGroup.Version}/namespaces/{{namespace}}/{Function.Plural}/{{name}}/log", ServeAsync);

    private async Task ServeAsync(HttpContext context)
    {
        var ns = (string)context.Request.RouteValues["namespace"]!;
        var name = (string)context.Request.RouteValues["name"]!;
        if (!Names.IsDns1123Label(ns) || !Names.IsDns1123Label(name))
        {
            await StatusResponses.WriteAsync(context, StatusCodes.Status400BadRequest, "BadRequest", $"namespace and name must be DNS-1123 labels (got \"{Names.Printable(ns)}/{Names.Printable(name)}\")").ConfigureAwait(false);
            return;
        }

        if (!TryQuery(context.Request, out var follow, out var tail, out var problem))
        {
            await StatusResponses.WriteAsync(context, StatusCodes.Status400BadRequest, "BadRequest", problem!).ConfigureAwait(false);
            return;
        }

        if (await _store.GetAsync(ns, name, context.RequestAborted).ConfigureAwait(false) is null)
        {
            await StatusResponses.WriteAsync(
                context, StatusCodes.Status404NotFound, "NotFound", $"{Function.Plural} \"{name}\" not found", StatusResponses.Details(Function.Plural, name)).ConfigureAwait(false);
            return;
        }

        // Every revision's instances write under their Function's log directory (issue #17: each revision its own workload).
        var key = new FunctionKey(ns, name);
        context.Response.ContentType = "text/plain; charset=utf-8";
        var follower = new LogFollower();
        follower.Start(Files(key));
        await WriteLinesAsync(context, _backend.TailLog(key, tail)).ConfigureAwait(false);
        if (!follow)
        {
            return;
        }

        await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await Task.Delay(PollInterval, _time, context.RequestAborted).ConfigureAwait(false);
                var lines = follower.ReadNew(Files(key));
                if (lines.Count > 0)
                {
                    await WriteLinesAsync(context, lines).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client stopped following.
        }
    }

    /// <summary>Parses <c>follow</c> (true/false) and <c>tailLines</c> (0…100000); false with the problem naming the parameter.</summary>
    internal static bool TryQuery(HttpRequest request, out bool follow, out int tail, out string? problem)
    {
        follow = false;
        tail = DefaultTailLines;
        problem = null;
        if (request.Query["follow"] is { Count: > 0 } followText && !bool.TryParse(followText.ToString(), out follow))
        {
            problem = $"follow must be true or false (got \"{Names.Printable(followText.ToString())}\")";
            return false;
        }

        if (request.Query["tailLines"] is { Count: > 0 } tailText
            && (!int.TryParse(tailText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out tail) || tail > MaxTailLines))
        {
            problem = $"tailLines must be a whole number from 0 to {MaxTailLines} (got \"{Names.Printable(tailText.ToString())}\")";
            return false;
        }

        return true;
    }

    private IEnumerable<(string, string, long)> Files(FunctionKey key) =>
        _backend.ListLogFiles(key).Select(f => (f.InstanceId, f.Path, f.Length));

    private static async Task WriteLinesAsync(HttpContext context, IReadOnlyList<string> lines)
    {
        foreach (var line in lines)
        {
            await context.Response.WriteAsync(line + "\n", context.RequestAborted).ConfigureAwait(false);
        }
    }
}
