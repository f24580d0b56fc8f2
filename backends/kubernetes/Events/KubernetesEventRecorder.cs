using System.Threading.Channels;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Kubernetes.Events;

/// <summary>
/// <see cref="IEventRecorder"/> over core/v1 Events, client-go's EventRecorder: <see cref="Record"/> queues (never
/// blocks, never throws), and one loop (<see cref="RunAsync"/>) correlates each occurrence (<see cref="EventCorrelator"/>:
/// spam filter, aggregation, repeats counted on the Event already written) and writes it.
/// </summary>
/// <remarks>
/// Events are best effort, as in client-go: when the queue is full (the API server is slow or away) new occurrences
/// are dropped and counted in the log, and a write that fails is not retried. Thread-safe.
/// </remarks>
public sealed partial class KubernetesEventRecorder : IEventRecorder
{
    /// <summary>Occurrences waiting to be written before new ones are dropped.</summary>
    public const int QueueLimit = 1000;

    /// <summary>The API server's limit on an Event's message (events.k8s.io); longer ones are cut.</summary>
    public const int MaxMessageLength = 1024;

    private readonly IEventApi _api;
    private readonly string _component;
    private readonly string _instance;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<EventRecord> _queue = Channel.CreateBounded<EventRecord>(new BoundedChannelOptions(QueueLimit)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly EventCorrelator _correlator = new();
    private long _dropped;

    /// <param name="component">The reporting component, e.g. <c>serverless-controller</c> (the SOURCE column of <c>kubectl get events</c>).</param>
    /// <param name="instance">This replica, the pod name.</param>
    public KubernetesEventRecorder(IKubernetes client, string component, string instance, TimeProvider time, ILogger logger)
        : this(new KubeEventApi(client), component, instance, time, logger)
    {
    }

    internal KubernetesEventRecorder(IEventApi api, string component, string instance, TimeProvider time, ILogger logger)
    {
        _api = api;
        _component = component;
        _instance = instance;
        _time = time;
        _logger = logger;
    }

    public void Record(IKubernetesObject<V1ObjectMeta> regarding, string type, string reason, string message)
    {
        var reference = new V1ObjectReference
        {
            ApiVersion = regarding.ApiVersion,
            Kind = regarding.Kind,
            Name = regarding.Metadata?.Name,
            NamespaceProperty = regarding.Metadata?.NamespaceProperty,
            Uid = regarding.Metadata?.Uid,
            ResourceVersion = regarding.Metadata?.ResourceVersion,
        };
        var text = message.Length > MaxMessageLength ? message[..(MaxMessageLength - 1)] + "…" : message;
        if (!_queue.Writer.TryWrite(new EventRecord(reference, type, reason, text)))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Writes the queued occurrences until cancelled; a loop for the process's loop host.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var occurrence in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (Interlocked.Exchange(ref _dropped, 0) is > 0 and var dropped)
            {
                LogDropped(_logger, dropped);
            }

            try
            {
                await WriteAsync(occurrence, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogWriteFailed(_logger, occurrence.Reason, occurrence.Regarding.NamespaceProperty + "/" + occurrence.Regarding.Name, e.Message);
            }
        }
    }

    private async Task WriteAsync(EventRecord occurrence, CancellationToken cancellationToken)
    {
        switch (_correlator.Correlate(occurrence, _time.GetUtcNow()))
        {
            case EventDecision.Create create:
                await _api.CreateAsync(Build(occurrence, create.Name, create.Message, 1, create.Time, create.Time), cancellationToken).ConfigureAwait(false);
                break;
            case EventDecision.Repeat repeat:
                var ns = Namespace(occurrence.Regarding);
                try
                {
                    await _api.RepeatAsync(ns, repeat.Name, repeat.Count, repeat.Message, repeat.Time.UtcDateTime, cancellationToken).ConfigureAwait(false);
                }
                catch (StoreException e) when (e.Kind == StoreErrorKind.NotFound)
                {
                    // Expired on the server meanwhile: write it again with the count so far.
                    await _api.CreateAsync(Build(occurrence, repeat.Name, repeat.Message, repeat.Count, repeat.FirstTime, repeat.Time), cancellationToken).ConfigureAwait(false);
                }

                break;
        }
    }

    private Corev1Event Build(EventRecord occurrence, string name, string message, int count, DateTimeOffset first, DateTimeOffset last) => new()
    {
        ApiVersion = "v1",
        Kind = "Event",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace(occurrence.Regarding) },
        InvolvedObject = occurrence.Regarding,
        Type = occurrence.Type,
        Reason = occurrence.Reason,
        Message = message,
        Count = count,
        FirstTimestamp = first.UtcDateTime,
        LastTimestamp = last.UtcDateTime,
        Source = new V1EventSource { Component = _component },
        ReportingComponent = _component,
        ReportingInstance = _instance,
    };

    private static string Namespace(V1ObjectReference regarding) =>
        string.IsNullOrEmpty(regarding.NamespaceProperty) ? "default" : regarding.NamespaceProperty;

    [LoggerMessage(EventId = KubernetesEventIds.EventDropped, Level = LogLevel.Warning, Message = "Dropped {Count} Kubernetes Events: the queue was full (the API server is slow or away)")]
    private static partial void LogDropped(ILogger logger, long count);

    [LoggerMessage(EventId = KubernetesEventIds.EventWriteFailed, Level = LogLevel.Debug, Message = "Could not write the {Reason} Event about {Object}: {Error}")]
    private static partial void LogWriteFailed(ILogger logger, string reason, string @object, string error);
}
