using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Serverless.Core.Contracts;
using Serverless.Core.Defaulting;
using Serverless.Core.Informers;
using FunctionResource = Serverless.Core.Api.Function;

namespace Serverless.Autoscaler.Scaling;

/// <summary>
/// Owns the desired instance count of every function and actuates it through the backend.
/// For now it scales from zero on the activator's request and keeps the count inside
/// [minScale, maxScale] when a Function's settings change; scaling on observed concurrency and
/// back to zero is the KPA (TODO(#5)).
/// </summary>
public sealed partial class FunctionScaler : IScaleRequester
{
    private readonly ResourceInformer<FunctionResource> _functions;
    private readonly IWorkloadBackend _backend;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<FunctionKey, byte> _activating = new();

    public FunctionScaler(ResourceInformer<FunctionResource> functions, IWorkloadBackend backend, ILogger<FunctionScaler> logger)
    {
        _functions = functions;
        _backend = backend;
        _logger = logger;
        _functions.Changed += change =>
        {
            if (change.Type != WatchEventType.Deleted)
            {
                _ = EnforceBoundsAsync(ResourceInformer<FunctionResource>.KeyOf(change.Object), change.Object);
            }
        };
    }

    /// <summary>Returns at once; the scale-up runs in the background, and concurrent requests for one function start it once.</summary>
    public void RequestScaleFromZero(FunctionKey key)
    {
        if (_activating.TryAdd(key, 0))
        {
            _ = ActivateAsync(key);
        }
    }

    private async Task ActivateAsync(FunctionKey key)
    {
        try
        {
            if (!_functions.TryGet(key, out var function) || function is null)
            {
                return;
            }

            var status = _backend.GetStatus(key);
            if (status is { DesiredReplicas: > 0 })
            {
                return;
            }

            var replicas = ScaleBounds.ForActivation(EffectiveScale.Resolve(function.Spec.Scale, new ScaleDefaults()));
            LogActivating(_logger, key.ToString(), replicas);
            await _backend.ScaleAsync(key, replicas).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogScaleFailed(_logger, key.ToString(), e);
        }
        finally
        {
            _activating.TryRemove(key, out _);
        }
    }

    private async Task EnforceBoundsAsync(FunctionKey key, FunctionResource function)
    {
        try
        {
            var status = _backend.GetStatus(key);
            if (status is null)
            {
                return; // not created yet: the controller creates it at the right count
            }

            var wanted = EffectiveScale.Resolve(function.Spec.Scale, new ScaleDefaults()).Clamp(status.DesiredReplicas);
            if (wanted != status.DesiredReplicas)
            {
                LogRescaled(_logger, key.ToString(), status.DesiredReplicas, wanted);
                await _backend.ScaleAsync(key, wanted).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            LogScaleFailed(_logger, key.ToString(), e);
        }
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Scaling {Function} from zero to {Replicas}")]
    private static partial void LogActivating(ILogger logger, string function, int replicas);

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Scaling {Function} from {From} to {To} to respect its scale bounds")]
    private static partial void LogRescaled(ILogger logger, string function, int from, int to);

    [LoggerMessage(EventId = 402, Level = LogLevel.Error, Message = "Scaling {Function} failed")]
    private static partial void LogScaleFailed(ILogger logger, string function, Exception exception);
}
