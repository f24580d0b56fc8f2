using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Serverless.Activator.Configuration;
using Serverless.Activator.Functions;
using Serverless.Activator.Routing;
using Serverless.Core.Contracts;
using Serverless.Hosting.Web.Problems;

namespace Serverless.Activator.Forwarding;

/// <summary>
/// In front of <see cref="FunctionProxy"/>: a request routed to a workload with no ready instance first asks for the
/// usual scale-from-zero of that workload and then waits for one cold start of another kind (a warm pool's
/// specialization on Kubernetes, into the workload of the Function's latest revision), shared by every request to that
/// workload meanwhile. When it succeeds or gives up, the request goes on to the proxy,
/// which waits for the instance to appear in the function's endpoints; when it fails for good (the function cannot be
/// loaded) the request is answered with that failure instead of waiting for a start that would fail as well.
/// </summary>
/// <remarks>
/// A finished cold start is remembered for <see cref="SettleWindow"/>: the instance it made reaches the endpoints
/// through a watch, and the requests in between must not start another one (nor fail one pod after the other).
/// </remarks>
public sealed partial class ColdStartGate
{
    private readonly FunctionRegistry _functions;
    private readonly IScaleRequester _scaler;
    private readonly Func<FunctionKey, FunctionKey, Task<ColdStartFailure?>> _start;
    private readonly string _domain;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<FunctionKey, Attempt> _attempts = new();

    /// <param name="start">
    /// Starts one instance of the Function (first argument) into the workload the request was routed to (second: the
    /// Function's own key in an older layout, else its latest revision's); null when the request should go on to the proxy.
    /// </param>
    public ColdStartGate(FunctionRegistry functions, IScaleRequester scaler, Func<FunctionKey, FunctionKey, Task<ColdStartFailure?>> start, ActivatorOptions options, TimeProvider time, ILogger<ColdStartGate> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _functions = functions;
        _scaler = scaler;
        _start = start;
        _domain = options.Domain;
        _time = time;
        _logger = logger;
    }

    /// <summary>How long a finished cold start stands for the function (its instance is on its way to the endpoints).</summary>
    public TimeSpan SettleWindow { get; init; } = TimeSpan.FromSeconds(5);

    public Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var request = context.Request;
        if (!RequestRouter.TryRoute(request.Host.Host, request.Path, _domain, out var match)
            || match.Key.Name is null
            || !_functions.TryGet(match.Key, out var route, out _)
            || route.Throttler.ReadyInstances > 0
            || !_functions.RunsCurrentSpec(match.Key, route.Key))
        {
            // A revision other than the latest (a split's older share, a rollback by name) is not specialized from the
            // pool, which makes pods of the Function's current spec: the proxy scales that revision from zero.
            return next(context);
        }

        return ColdAsync(context, next, match.Key, route.Key);
    }

    private async Task ColdAsync(HttpContext context, RequestDelegate next, FunctionKey function, FunctionKey workload)
    {
        // The usual start goes at once, in parallel: should the other kind give up, no time was lost. It names the
        // workload the request waits on (the revision's), not the Function of the URL.
        _scaler.RequestScaleFromZero(workload);
        var failure = await Current(function, workload).Task.WaitAsync(context.RequestAborted).ConfigureAwait(false);
        if (failure is not null)
        {
            await ProblemDetailsWriter.WriteAsync(context, failure.Status, failure.Title, failure.Detail).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private Attempt Current(FunctionKey function, FunctionKey key)
    {
        while (true)
        {
            var now = _time.GetUtcNow();
            var fresh = new Attempt();
            var attempt = _attempts.GetOrAdd(key, fresh);
            if (ReferenceEquals(attempt, fresh))
            {
                // Only the request that added the entry starts it: two racing first requests share one start.
                _ = RunAsync(function, key, fresh);
            }

            if (attempt.FinishedAt is not { } finished || now - finished < SettleWindow)
            {
                return attempt;
            }

            _attempts.TryRemove(new KeyValuePair<FunctionKey, Attempt>(key, attempt));
        }
    }

    private async Task RunAsync(FunctionKey function, FunctionKey key, Attempt attempt)
    {
        ColdStartFailure? failure = null;
        try
        {
            failure = await _start(function, key).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A broken side path never fails the request: the usual scale-from-zero is under way.
            LogColdStartFailed(_logger, key.ToString(), e);
        }
        finally
        {
            attempt.FinishedAt = _time.GetUtcNow();
            attempt.Completion.TrySetResult(failure);
        }
    }

    private sealed class Attempt
    {
        public TaskCompletionSource<ColdStartFailure?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<ColdStartFailure?> Task => Completion.Task;

        public DateTimeOffset? FinishedAt { get; set; }
    }

    [LoggerMessage(EventId = ActivatorEventIds.ColdStartFailed, Level = LogLevel.Warning, Message = "Cold start of {Function} from the warm pool failed; its requests wait for the usual scale from zero")]
    private static partial void LogColdStartFailed(ILogger logger, string function, Exception exception);
}
