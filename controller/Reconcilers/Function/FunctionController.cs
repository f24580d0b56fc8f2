using Microsoft.Extensions.Logging;
using Serverless.Controller.Metrics;
using Serverless.Hosting.Queue;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;
using FunctionResource = Serverless.Core.Api.Function;

namespace Serverless.Controller.Reconcilers.Function;

/// <summary>
/// Wiring: Function changes, workload changes and a periodic resync feed one rate-limited queue;
/// workers reconcile keys from it. The informer itself is run by the host (it is shared).
/// </summary>
/// <remarks>A loop (<see cref="RunAsync"/>) for the process's one loop host.</remarks>
public sealed partial class FunctionController
{
    private readonly ResourceInformer<FunctionResource> _functions;
    private readonly IWorkloadManager _workloads;
    private readonly ControllerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly WorkQueue<FunctionKey> _queue;
    private readonly FunctionReconciler _reconciler;

    public FunctionController(
        ResourceInformer<FunctionResource> functions,
        IResourceStore<FunctionResource> store,
        IWorkloadManager workloads,
        ControllerOptions options,
        ControllerMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        IEventRecorder? events = null,
        IResourceStore<Core.Api.Revision>? revisions = null)
    {
        _functions = functions;
        _workloads = workloads;
        _options = options;
        _time = time;
        _logger = loggerFactory.CreateLogger<FunctionController>();
        _queue = new WorkQueue<FunctionKey>(time, RetryBackoff.Default);
        _reconciler = new FunctionReconciler(functions, store, workloads, options, metrics, time, loggerFactory.CreateLogger<FunctionReconciler>(), events, revisions);
        _reconciler.RequeueAfter = (key, delay) => _queue.AddAfter(key, delay);
        _functions.Changed += change => _queue.Add(ResourceInformer<FunctionResource>.KeyOf(change.Object));
        // A split's other revisions run as workloads keyed by their own name: a change there reconciles their Function.
        _workloads.StatusChanged += key => _queue.Add(revisions is null ? key : OwnerOf(key));
    }

    /// <summary>
    /// The Function a workload key belongs to: itself when a Function has that name, else the Function of the namespace
    /// whose revision name it is (<c>{function}-{generation}</c>, or its hashed form for a long name).
    /// </summary>
    private FunctionKey OwnerOf(FunctionKey key)
    {
        if (_functions.TryGet(key, out var function) && function is not null)
        {
            return key;
        }

        var dash = key.Name.LastIndexOf('-');
        if (dash > 0 && Core.Naming.RevisionNames.IsRevisionOf(key.Name[..dash], key.Name))
        {
            return new FunctionKey(key.Namespace, key.Name[..dash]);
        }

        foreach (var candidate in _functions.List())
        {
            if (candidate.Metadata.NamespaceProperty == key.Namespace && Core.Naming.RevisionNames.IsRevisionOf(candidate.Metadata.Name, key.Name))
            {
                return ResourceInformer<FunctionResource>.KeyOf(candidate);
            }
        }

        return key;
    }

    /// <summary>Waits for the Function cache, then reconciles with the configured workers until cancelled.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        await _functions.WaitForSyncAsync(stoppingToken).ConfigureAwait(false);
        var workers = Enumerable.Range(0, Math.Max(1, _options.Workers)).Select(_ => WorkAsync(stoppingToken)).ToList();
        workers.Add(ResyncAsync(stoppingToken));
        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _queue.Dispose();
        }
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var key = await _queue.GetAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                using var scope = _logger.BeginScope(new Dictionary<string, object> { ["Function"] = key.ToString() });
                var result = await _reconciler.ReconcileAsync(key, cancellationToken).ConfigureAwait(false);
                if (result == ReconcileResult.Success)
                {
                    _queue.Forget(key);
                }
                else
                {
                    _queue.AddRateLimited(key);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                var delay = _queue.AddRateLimited(key);
                LogReconcileFailed(_logger, key.ToString(), delay.TotalMilliseconds, e);
            }
            finally
            {
                _queue.Done(key);
            }
        }
    }

    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.ResyncPeriod, _time);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var function in _functions.List())
            {
                _queue.Add(ResourceInformer<FunctionResource>.KeyOf(function));
            }
        }
    }

    [LoggerMessage(EventId = ControllerEventIds.ReconcileFailed, Level = LogLevel.Warning, Message = "Reconciling {Function} failed; retrying in {DelayMs} ms")]
    private static partial void LogReconcileFailed(ILogger logger, string function, double delayMs, Exception exception);
}
