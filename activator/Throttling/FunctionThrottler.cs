using System.Globalization;
using Serverless.Activator.Configuration;
using Serverless.Activator.LoadBalancing;
using Serverless.Core.Contracts;

namespace Serverless.Activator.Throttling;

/// <summary>
/// One function's gate between requests and instances, in the spirit of Knative's activator throttler
/// (<c>pkg/activator/net/throttler.go</c>) but with exact per-instance limits instead of its
/// capacity-per-activator approximation, since our activator is always in the path and alone.
/// A request takes a slot on the instance the <see cref="InstanceBalancer"/> picks; when none has room
/// it waits in a FIFO queue bounded by count and declared body bytes; every release, endpoint change or
/// ejection end hands free slots to the queue's head first. With no ready instance at all, the first
/// queued request starts an activation deadline; if it passes with still none, every waiter is answered.
/// </summary>
/// <remarks>
/// Thread-safety: one lock guards all state; it is held for O(instances) work only, never across an await,
/// and waiters are completed with asynchronous continuations so no user code runs under it.
/// </remarks>
internal sealed class FunctionThrottler : IDisposable
{
    private readonly object _gate = new();
    private readonly FunctionKey _key;
    private readonly ActivatorOptions _options;
    private readonly OutlierDetector _outliers;
    private readonly TimeProvider _time;
    private readonly InstanceBalancer _balancer = new();
    private readonly Dictionary<string, InstanceSlot> _retired = [];
    private readonly LinkedList<Waiter> _queue = new();
    private readonly ConcurrencyStats _stats;
    private List<InstanceSlot> _slots = [];
    private long _queuedBytes;
    private int _inFlight;
    private int _functionConcurrency;
    private ITimer? _activationTimer;
    private TimeSpan _activationDeadline;
    private DateTimeOffset? _activationStarted;

    public FunctionThrottler(FunctionKey key, ActivatorOptions options, TimeProvider time)
    {
        _key = key;
        _options = options;
        _time = time;
        _outliers = OutlierDetector.From(options);
        _stats = new ConcurrencyStats(time.GetUtcNow());
    }

    public FunctionKey Key => _key;

    /// <summary>Read on every request without the lock: the slot list is replaced whole, never changed in place.</summary>
    public int ReadyInstances => Volatile.Read(ref _slots).Count;

    /// <summary>Requests in flight to instances plus requests waiting, now.</summary>
    public int ActiveRequests
    {
        get
        {
            lock (_gate)
            {
                return _inFlight + _queue.Count;
            }
        }
    }

    /// <summary>Requests in flight to one instance now (0 for an unknown instance).</summary>
    public int InFlightTo(string instanceId)
    {
        lock (_gate)
        {
            foreach (var slot in _slots)
            {
                if (slot.Endpoint.Id == instanceId)
                {
                    return slot.InFlight;
                }
            }

            return 0;
        }
    }

    public int QueueDepth
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>
    /// The function's <c>containerConcurrency</c> (0 = unlimited), used for instances whose endpoint does
    /// not carry its own limit. Cheap when unchanged: called on every request.
    /// </summary>
    public void SetContainerConcurrency(int perInstance)
    {
        if (Volatile.Read(ref _functionConcurrency) == perInstance)
        {
            return;
        }

        lock (_gate)
        {
            _functionConcurrency = perInstance;
            foreach (var slot in _slots)
            {
                slot.Capacity = CapacityOf(slot.Endpoint);
            }

            Dispatch(_time.GetUtcNow());
        }
    }

    /// <summary>
    /// Replaces the ready set with what <paramref name="read"/> returns, read under the lock so two
    /// concurrent updates can never apply an older snapshot last.
    /// </summary>
    public void UpdateEndpoints(Func<IReadOnlyList<InstanceEndpoint>> read)
    {
        lock (_gate)
        {
            ApplyEndpoints(read());
        }
    }

    public void UpdateEndpoints(IReadOnlyList<InstanceEndpoint> endpoints)
    {
        lock (_gate)
        {
            ApplyEndpoints(endpoints);
        }
    }

    /// <summary>
    /// Reserves a slot on an instance, waiting in the queue while none has room.
    /// </summary>
    /// <param name="bodyBytes">Declared body length, counted against the queue's byte budget while waiting.</param>
    /// <param name="timeout">Longest wait (the function's timeout); also caps the activation deadline.</param>
    /// <param name="avoid">Instance id a retry should not go back to unless it is the only one with room.</param>
    /// <param name="newRequest">False for retries, so the request rate counts each request once.</param>
    /// <param name="cancellationToken">The client's abort token: a client that leaves leaves the queue.</param>
    public async ValueTask<AcquireResult> AcquireAsync(long bodyBytes, TimeSpan timeout, string? avoid, bool newRequest, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (newRequest)
            {
                _stats.CountRequest();
            }

            if (_queue.Count == 0 && _balancer.Pick(_slots, now, avoid) is { } slot)
            {
                return AcquireResult.Granted(Grant(slot, now));
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return AcquireResult.Failed(AcquireStatus.Canceled, "the client went away");
            }

            if (bodyBytes > _options.MaxQueuedBytesPerFunction)
            {
                return AcquireResult.Failed(AcquireStatus.TooLarge, TooLargeReason(bodyBytes, _options.MaxQueuedBytesPerFunction));
            }

            if (_queue.Count >= _options.MaxQueuedRequestsPerFunction || _queuedBytes + bodyBytes > _options.MaxQueuedBytesPerFunction)
            {
                return AcquireResult.Failed(
                    AcquireStatus.QueueFull,
                    string.Create(CultureInfo.InvariantCulture, $"{_queue.Count} requests ({_queuedBytes} body bytes) are already waiting for function {_key}; the limits are {_options.MaxQueuedRequestsPerFunction} requests and {_options.MaxQueuedBytesPerFunction} bytes"));
            }

            waiter = new Waiter(bodyBytes, avoid);
            waiter.Node = _queue.AddLast(waiter);
            _queuedBytes += bodyBytes;
            RecordConcurrency(now);
            if (_slots.Count == 0)
            {
                StartActivation(now, timeout);
            }
        }

        // Armed outside the lock: a timer or a cancelled token may call back at once, and the callback takes the lock.
        using var timer = _time.CreateTimer(
            static state =>
            {
                var (throttler, w, t) = ((FunctionThrottler, Waiter, TimeSpan))state!;
                throttler.Abandon(w, AcquireStatus.TimedOut, string.Create(CultureInfo.InvariantCulture, $"no instance of function {throttler._key} had room within {t.TotalSeconds:0.###} s"));
            },
            (this, waiter, timeout),
            timeout,
            Timeout.InfiniteTimeSpan);
        using var registration = cancellationToken.UnsafeRegister(
            static state =>
            {
                var (throttler, w) = ((FunctionThrottler, Waiter))state!;
                throttler.Abandon(w, AcquireStatus.Canceled, "the client went away");
            },
            (this, waiter));
        return await waiter.Completion.Task.ConfigureAwait(false);
    }

    /// <summary>Closes the reporting window: concurrency, request rate and the queue depth now.</summary>
    public StatsWindow TakeWindow()
    {
        lock (_gate)
        {
            // Per instance for the autoscaler's scale-down choice; once a second per function, so the copy is cheap.
            var instances = new Dictionary<string, int>(_slots.Count);
            foreach (var slot in _slots)
            {
                instances[slot.Endpoint.Id] = slot.InFlight;
            }

            return _stats.Take(_time.GetUtcNow(), _inFlight, _queue.Count) with { Instances = instances };
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _activationTimer?.Dispose();
            _activationTimer = null;
            foreach (var slot in _slots)
            {
                slot.EjectionTimer?.Dispose();
            }
        }
    }

    internal void Release(InstanceLease lease, LeaseOutcome outcome)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var slot = lease.Slot;
            slot.InFlight--;
            _inFlight--;
            if (slot.InFlight == 0 && _retired.TryGetValue(slot.Endpoint.Id, out var retired) && ReferenceEquals(retired, slot))
            {
                _retired.Remove(slot.Endpoint.Id);
            }

            if (outcome == LeaseOutcome.Success)
            {
                _outliers.RecordSuccess(slot.Outlier, now);
            }
            else if (outcome is LeaseOutcome.Failure or LeaseOutcome.Refused)
            {
                RecordFailure(slot, now, refused: outcome == LeaseOutcome.Refused);
            }

            RecordConcurrency(now);
            Dispatch(now);
        }
    }

    private void RecordFailure(InstanceSlot slot, DateTimeOffset now, bool refused)
    {
        // Never eject the last usable instance: only with another current, non-ejected instance left.
        var current = false;
        var othersHealthy = false;
        foreach (var other in _slots)
        {
            if (ReferenceEquals(other, slot))
            {
                current = true;
            }
            else if (!other.Outlier.IsEjected(now))
            {
                othersHealthy = true;
            }
        }

        if (_outliers.RecordFailure(slot.Outlier, now, current && othersHealthy, refused) is { } until)
        {
            slot.EjectionTimer?.Dispose();
            slot.EjectionTimer = _time.CreateTimer(
                static state => ((FunctionThrottler)state!).OnEjectionEnded(),
                this,
                until - now,
                Timeout.InfiniteTimeSpan);
        }
    }

    private void OnEjectionEnded()
    {
        lock (_gate)
        {
            Dispatch(_time.GetUtcNow());
        }
    }

    private void ApplyEndpoints(IReadOnlyList<InstanceEndpoint> endpoints)
    {
        var now = _time.GetUtcNow();
        var current = new Dictionary<string, InstanceSlot>(_slots.Count);
        foreach (var slot in _slots)
        {
            current[slot.Endpoint.Id] = slot;
        }

        var next = new List<InstanceSlot>(endpoints.Count);
        foreach (var endpoint in endpoints)
        {
            // An instance that flickers out and back keeps its in-flight count, so its limit stays exact.
            if (current.Remove(endpoint.Id, out var slot) || _retired.Remove(endpoint.Id, out slot))
            {
                slot.Endpoint = endpoint;
                slot.Capacity = CapacityOf(endpoint);
            }
            else
            {
                slot = new InstanceSlot(endpoint, CapacityOf(endpoint));
            }

            next.Add(slot);
        }

        foreach (var (id, gone) in current)
        {
            gone.EjectionTimer?.Dispose();
            gone.EjectionTimer = null;
            if (gone.InFlight > 0)
            {
                _retired[id] = gone;
            }
        }

        Volatile.Write(ref _slots, next);
        if (next.Count > 0 && _activationTimer is not null)
        {
            _activationTimer.Dispose();
            _activationTimer = null;
        }

        Dispatch(now);
    }

    private int CapacityOf(InstanceEndpoint endpoint) =>
        endpoint.ContainerConcurrency > 0 ? endpoint.ContainerConcurrency : Math.Max(0, _functionConcurrency);

    private void StartActivation(DateTimeOffset now, TimeSpan timeout)
    {
        if (_activationTimer is not null)
        {
            return;
        }

        _activationStarted ??= now;
        _activationDeadline = timeout < _options.ActivationDeadline ? timeout : _options.ActivationDeadline;
        _activationTimer = _time.CreateTimer(
            static state => ((FunctionThrottler)state!).OnActivationDeadline(),
            this,
            _activationDeadline,
            Timeout.InfiniteTimeSpan);
    }

    private void OnActivationDeadline()
    {
        lock (_gate)
        {
            _activationTimer?.Dispose();
            _activationTimer = null;
            if (_slots.Count > 0)
            {
                return;
            }

            _activationStarted = null;
            var reason = string.Create(
                CultureInfo.InvariantCulture,
                $"function {_key} has no ready instance {_activationDeadline.TotalSeconds:0.###} s after it was asked to scale from zero");
            while (_queue.First is { } node)
            {
                RemoveWaiter(node.Value);
                node.Value.Completion.TrySetResult(AcquireResult.Failed(AcquireStatus.ActivationFailed, reason));
            }

            RecordConcurrency(_time.GetUtcNow());
        }
    }

    private void Abandon(Waiter waiter, AcquireStatus status, string reason)
    {
        lock (_gate)
        {
            if (waiter.Node?.List is null)
            {
                return; // already granted or failed
            }

            RemoveWaiter(waiter);
            RecordConcurrency(_time.GetUtcNow());
            waiter.Completion.TrySetResult(AcquireResult.Failed(status, reason));
        }
    }

    private void Dispatch(DateTimeOffset now)
    {
        // Only the head is offered a slot: it can take any instance with room (its avoid is a preference),
        // so a non-empty queue means no room anywhere and arrivals never overtake waiters.
        while (_queue.First is { } node)
        {
            var slot = _balancer.Pick(_slots, now, node.Value.Avoid);
            if (slot is null)
            {
                return;
            }

            RemoveWaiter(node.Value);
            node.Value.Completion.TrySetResult(AcquireResult.Granted(Grant(slot, now)));
        }
    }

    private InstanceLease Grant(InstanceSlot slot, DateTimeOffset now)
    {
        slot.InFlight++;
        _inFlight++;
        TimeSpan? coldStart = null;
        if (_activationStarted is { } started)
        {
            coldStart = now - started;
            _activationStarted = null;
        }

        RecordConcurrency(now);
        return new InstanceLease(this, slot, coldStart);
    }

    private void RemoveWaiter(Waiter waiter)
    {
        _queue.Remove(waiter.Node!);
        _queuedBytes -= waiter.Bytes;
    }

    private void RecordConcurrency(DateTimeOffset now) => _stats.Record(now, _inFlight + _queue.Count);

    private sealed class Waiter(long bytes, string? avoid)
    {
        public long Bytes { get; } = bytes;

        public string? Avoid { get; } = avoid;

        public LinkedListNode<Waiter>? Node { get; set; }

        public TaskCompletionSource<AcquireResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Why a body that can never wait is refused (413), in the activator's and the throttler's words alike.</summary>
    internal static string TooLargeReason(long bodyBytes, long maxQueuedBytes) =>
        string.Create(CultureInfo.InvariantCulture, $"the request body of {bodyBytes} bytes is larger than the {maxQueuedBytes} bytes a function's requests may hold while waiting for an instance (queue-max-bytes)");
}
