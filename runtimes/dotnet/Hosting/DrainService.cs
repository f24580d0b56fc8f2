using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serverless.Runtime.Dotnet.Concurrency;

namespace Serverless.Runtime.Dotnet.Hosting;

/// <summary>
/// Graceful drain on SIGTERM. Readiness turns 503 the moment stopping begins; then the host waits for
/// the requests in flight, with Kestrel still accepting, so that probes see the 503 and late requests
/// routed before the endpoint was removed are still served. Kestrel is stopped only after this returns
/// (<see cref="FunctionServer"/> calls StoppingAsync, then stops Kestrel), and at once when nothing is in flight.
/// The whole stop, this wait included, is bounded by FUNCTION_TIMEOUT + 3 s. It keeps the generic host's
/// lifecycle interface, which is the order FunctionServer follows.
/// </summary>
internal sealed class DrainService(
    ReadinessState readiness,
    ConcurrencyLimiter limiter,
    IHostApplicationLifetime lifetime,
    ILogger<DrainService> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        // SIGTERM signals ApplicationStopping before the host begins stopping: flip readiness at the earliest moment.
        lifetime.ApplicationStopping.Register(readiness.MarkDraining);
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        readiness.MarkDraining();
        RuntimeLog.DrainStarted(logger, limiter.InFlight);
        try
        {
            await limiter.WhenIdleAsync(cancellationToken);
            RuntimeLog.DrainCompleted(logger);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Out of time: Kestrel's stop, next, aborts what is left.
            RuntimeLog.DrainDeadlineReached(logger, limiter.InFlight);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
