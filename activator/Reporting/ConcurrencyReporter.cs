using Microsoft.Extensions.Logging;
using Serverless.Activator.Configuration;
using Serverless.Activator.Functions;
using Serverless.Activator.Metrics;
using Serverless.Core.Contracts;

namespace Serverless.Activator.Reporting;

/// <summary>
/// Every <see cref="ActivatorOptions.ReportInterval"/> (1 s) closes each function's stats window in the
/// <see cref="FunctionRegistry"/>, sends a <see cref="ConcurrencySample"/> to the autoscaler for every function with
/// activity, and sets the <c>serverless_activator_queue_depth</c> and <c>serverless_activator_in_flight</c> gauges
/// (by function and revision), after removing the series of revisions that are no longer routed and have drained.
/// </summary>
/// <remarks>A loop (<see cref="RunAsync"/>) for the process's one loop host.</remarks>
public sealed partial class ConcurrencyReporter
{
    private readonly FunctionRegistry _functions;
    private readonly IConcurrencySink _sink;
    private readonly ActivatorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;

    public ConcurrencyReporter(
        FunctionRegistry functions, IConcurrencySink sink, ActivatorOptions options, ActivatorMetrics metrics, TimeProvider time, ILogger<ConcurrencyReporter> logger)
    {
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(options);
        _functions = functions;
        _sink = sink;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _interval = options.ReportInterval;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_interval, TimeSpan.Zero);
    }

    /// <summary>One reporting pass; returns how many samples were sent. For <see cref="RunAsync"/> and tests.</summary>
    internal int ReportOnce()
    {
        var now = _time.GetUtcNow();
        var sent = 0;
        // First: a revision no longer routed that has drained loses its series (bounded label values).
        _functions.RetireUnrouted();
        foreach (var (key, labels, window) in _functions.TakeWindows())
        {
            if (!labels.Retired)
            {
                labels.QueueDepth.Set(window.QueueDepth);
                labels.InFlight.Set(window.InFlight);
            }

            if (!window.HasActivity)
            {
                continue;
            }

            _sink.Report(new ConcurrencySample(
                key, now, window.AverageConcurrency, window.PeakConcurrency, window.RequestsPerSecond, window.QueueDepth, window.InFlight, window.Instances));
            sent++;
        }

        _sink.Flush();
        return sent;
    }

    /// <summary>Reports every interval until cancelled.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    ReportOnce();
                }
                catch (Exception e)
                {
                    // A failing sink must not stop reporting (an escaping exception would stop the process).
                    LogReportFailed(_logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    [LoggerMessage(EventId = ActivatorEventIds.ReportFailed, Level = LogLevel.Error, Message = "Reporting concurrency failed")]
    private static partial void LogReportFailed(ILogger logger, Exception exception);
}
