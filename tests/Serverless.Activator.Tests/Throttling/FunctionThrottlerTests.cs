using Serverless.Activator.Configuration;
using Serverless.Activator.Throttling;
using Serverless.Core.Contracts;
using Serverless.TestSupport;

namespace Serverless.Activator.Tests.Throttling;

public sealed class FunctionThrottlerTests
{
    private static readonly FunctionKey Key = new("default", "hello");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(300);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly ManualTimeProvider _time = new();

    [Fact]
    public async Task AcquireAsync_FreeCapacity_GrantsAtOnce()
    {
        using var throttler = Create(Ep("a", 1));

        var result = await Acquire(throttler);

        Assert.Equal(AcquireStatus.Acquired, result.Status);
        Assert.Equal("a", result.Lease!.Endpoint.Id);
        Assert.Null(result.Lease.ColdStart);
        Assert.Equal(1, throttler.ActiveRequests);
    }

    [Fact]
    public async Task AcquireAsync_ContainerConcurrencyOne_SecondWaitsUntilRelease()
    {
        using var throttler = Create(Ep("a", 1));
        var first = await Acquire(throttler);

        var second = Acquire(throttler);
        Assert.False(second.IsCompleted);
        Assert.Equal(1, throttler.QueueDepth);

        first.Lease!.Release(LeaseOutcome.Success);
        var granted = await second.AsTask().WaitAsync(Bound);

        Assert.Equal(AcquireStatus.Acquired, granted.Status);
        Assert.Equal(0, throttler.QueueDepth);
        Assert.Equal(1, throttler.ActiveRequests);
    }

    [Fact]
    public async Task AcquireAsync_FunctionLevelLimit_AppliesToInstancesWithoutOwnLimit()
    {
        using var throttler = Create(Ep("a", 0));
        throttler.SetContainerConcurrency(2);
        await Acquire(throttler);
        await Acquire(throttler);

        var third = Acquire(throttler);

        Assert.False(third.IsCompleted);
        throttler.SetContainerConcurrency(3);
        Assert.Equal(AcquireStatus.Acquired, (await third.AsTask().WaitAsync(Bound)).Status);
    }

    [Fact]
    public async Task Release_ManyWaiters_GrantsInArrivalOrder()
    {
        using var throttler = Create(Ep("a", 1));
        var holder = (await Acquire(throttler)).Lease!;
        var waiters = Enumerable.Range(0, 5).Select(_ => Acquire(throttler).AsTask()).ToArray();
        var order = new List<int>();

        for (var step = 0; step < waiters.Length; step++)
        {
            holder.Release(LeaseOutcome.Success);
            var done = await Task.WhenAny(waiters.Where(w => !order.Contains(Array.IndexOf(waiters, w)))).WaitAsync(Bound);
            order.Add(Array.IndexOf(waiters, done));
            holder = (await done).Lease!;
            Assert.Equal(1, throttler.ActiveRequests - throttler.QueueDepth);
        }

        Assert.Equal([0, 1, 2, 3, 4], order);
    }

    [Theory]
    [InlineData("count below limit", 3, 1000, 2, 0, false)]
    [InlineData("count at limit", 2, 1000, 2, 0, true)]
    [InlineData("bytes fit exactly", 10, 1000, 2, 600, false)]
    [InlineData("bytes over budget", 10, 1000, 2, 601, true)]
    public async Task AcquireAsync_QueueLimits_RejectsPastEither(string label, int maxCount, long maxBytes, int waiting, long bytes, bool expectedFull)
    {
        using var throttler = Create(new ActivatorOptions { MaxQueuedRequestsPerFunction = maxCount, MaxQueuedBytesPerFunction = maxBytes }, Ep("a", 1));
        var holder = (await Acquire(throttler)).Lease!;
        var queued = Enumerable.Range(0, waiting).Select(_ => Acquire(throttler, bytes: 200).AsTask()).ToList();

        var attempt = Acquire(throttler, bytes);
        if (expectedFull)
        {
            Assert.True(attempt.IsCompleted, label);
            var rejected = await attempt;
            Assert.Equal(AcquireStatus.QueueFull, rejected.Status);
            Assert.Contains("already waiting", rejected.Reason, StringComparison.Ordinal);
            return;
        }

        // Fits: it is granted after everyone queued before it.
        Assert.False(attempt.IsCompleted, label);
        for (var i = 0; i <= waiting; i++)
        {
            holder.Release(LeaseOutcome.Success);
            var next = i < waiting ? queued[i] : attempt.AsTask();
            holder = (await next.WaitAsync(Bound)).Lease!;
        }

        Assert.True(attempt.IsCompletedSuccessfully, label);
    }

    // Issue #14 item 8: a body that alone exceeds the byte budget can never wait; it was answered as a full queue (503,
    // "0 requests (0 body bytes) already waiting"), which a retry can never get past.
    [Fact]
    public async Task AcquireAsync_SingleBodyOverTheWholeBudget_IsTooLargeNotQueueFull()
    {
        using var throttler = Create(new ActivatorOptions { MaxQueuedBytesPerFunction = 100 }, Ep("a", 1));
        var holder = (await Acquire(throttler)).Lease!;

        var rejected = await Acquire(throttler, bytes: 101);

        Assert.Equal(AcquireStatus.TooLarge, rejected.Status);
        Assert.Contains("101 bytes is larger than the 100 bytes", rejected.Reason, StringComparison.Ordinal);
        holder.Release(LeaseOutcome.Success);
    }

    [Fact]
    public async Task AcquireAsync_StillWaitingAtTimeout_TimesOutAndLeavesQueue()
    {
        using var throttler = Create(Ep("a", 1));
        await Acquire(throttler);
        var waiting = Acquire(throttler, timeout: TimeSpan.FromSeconds(10));

        _time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        var result = await waiting.AsTask().WaitAsync(Bound);

        Assert.Equal(AcquireStatus.TimedOut, result.Status);
        Assert.Equal(0, throttler.QueueDepth);
    }

    [Fact]
    public async Task AcquireAsync_ClientDisconnects_LeavesQueueAndNextWaiterGetsSlot()
    {
        using var throttler = Create(new ActivatorOptions { MaxQueuedBytesPerFunction = 100 }, Ep("a", 1));
        var holder = (await Acquire(throttler)).Lease!;
        using var client = new CancellationTokenSource();
        var leaving = Acquire(throttler, bytes: 100, cancellationToken: client.Token);
        Assert.Equal(AcquireStatus.QueueFull, (await Acquire(throttler, bytes: 1)).Status);

        await client.CancelAsync();
        Assert.Equal(AcquireStatus.Canceled, (await leaving.AsTask().WaitAsync(Bound)).Status);
        var staying = Acquire(throttler, bytes: 100);
        holder.Release(LeaseOutcome.Success);

        Assert.Equal(AcquireStatus.Acquired, (await staying.AsTask().WaitAsync(Bound)).Status);
        Assert.Equal(1, throttler.ActiveRequests);
    }

    [Theory]
    [InlineData("default deadline", 300, 60)]
    [InlineData("function timeout shorter", 20, 20)]
    public async Task AcquireAsync_NoInstanceBeforeDeadline_FailsEveryWaiterWithReason(string label, int timeoutSeconds, int deadlineSeconds)
    {
        using var throttler = Create();
        var timeout = TimeSpan.FromSeconds(timeoutSeconds);
        var waiters = Enumerable.Range(0, 3).Select(_ => Acquire(throttler, timeout: timeout).AsTask()).ToArray();

        _time.Advance(TimeSpan.FromSeconds(deadlineSeconds) - TimeSpan.FromMilliseconds(1));
        Assert.All(waiters, w => Assert.False(w.IsCompleted, label));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var results = await Task.WhenAll(waiters).WaitAsync(Bound);

        Assert.All(results, r => Assert.Equal(AcquireStatus.ActivationFailed, r.Status));
        Assert.Contains("no ready instance", results[0].Reason, StringComparison.Ordinal);
        Assert.Equal(0, throttler.ActiveRequests);
    }

    [Fact]
    public async Task UpdateEndpoints_InstanceTurnsReady_GrantsWaitersWithColdStartOnFirst()
    {
        using var throttler = Create();
        var waiters = Enumerable.Range(0, 3).Select(_ => Acquire(throttler).AsTask()).ToArray();

        _time.Advance(TimeSpan.FromSeconds(2.5));
        throttler.UpdateEndpoints([Ep("a", 0)]);
        var results = await Task.WhenAll(waiters).WaitAsync(Bound);

        Assert.All(results, r => Assert.Equal(AcquireStatus.Acquired, r.Status));
        Assert.Equal(TimeSpan.FromSeconds(2.5), results[0].Lease!.ColdStart);
        Assert.Null(results[1].Lease!.ColdStart);

        // The activation deadline was disarmed: nothing fails later.
        _time.Advance(TimeSpan.FromSeconds(120));
        Assert.Equal(3, throttler.ActiveRequests);
    }

    [Fact]
    public async Task Release_ConsecutiveFailures_EjectsInstanceUntilEjectionEnds()
    {
        using var throttler = Create(Ep("a", 0), Ep("b", 0));
        for (var i = 0; i < 5; i++)
        {
            var lease = await AcquireOn(throttler, "a");
            lease.Release(LeaseOutcome.Failure);
        }

        var during = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var lease = (await Acquire(throttler)).Lease!;
            during.Add(lease.Endpoint.Id);
            lease.Release(LeaseOutcome.Success);
        }

        _time.Advance(TimeSpan.FromSeconds(30));
        var after = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var lease = (await Acquire(throttler)).Lease!;
            after.Add(lease.Endpoint.Id);
            lease.Release(LeaseOutcome.Success);
        }

        Assert.All(during, id => Assert.Equal("b", id));
        Assert.Contains("a", after);
    }

    [Fact]
    public async Task Release_LastInstanceFailing_NeverEjected()
    {
        using var throttler = Create(Ep("a", 1));
        for (var i = 0; i < 20; i++)
        {
            var result = await Acquire(throttler);
            Assert.Equal(AcquireStatus.Acquired, result.Status);
            result.Lease!.Release(LeaseOutcome.Failure);
        }
    }

    [Fact]
    public async Task Release_EjectedInstanceReturns_WakesWaiter()
    {
        using var throttler = Create(Ep("a", 1), Ep("b", 1));
        for (var i = 0; i < 5; i++)
        {
            (await AcquireOn(throttler, "a")).Release(LeaseOutcome.Failure);
        }

        var onB = (await Acquire(throttler)).Lease!;
        Assert.Equal("b", onB.Endpoint.Id);
        var waiting = Acquire(throttler);
        Assert.False(waiting.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal("a", (await waiting.AsTask().WaitAsync(Bound)).Lease!.Endpoint.Id);
    }

    [Fact]
    public async Task UpdateEndpoints_InstanceFlickersWithRequestsInFlight_LimitStaysExact()
    {
        using var throttler = Create(Ep("a", 1));
        var held = (await Acquire(throttler)).Lease!;

        throttler.UpdateEndpoints([]);
        throttler.UpdateEndpoints([Ep("a", 1)]);
        var waiting = Acquire(throttler);

        Assert.False(waiting.IsCompleted);
        held.Release(LeaseOutcome.Success);
        Assert.Equal(AcquireStatus.Acquired, (await waiting.AsTask().WaitAsync(Bound)).Status);
    }

    [Fact]
    public async Task AcquireAsync_AvoidedInstance_GoesElsewhereWhenPossible()
    {
        using var throttler = Create(Ep("a", 0), Ep("b", 0));

        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var lease = (await Acquire(throttler, avoid: "a")).Lease!;
            ids.Add(lease.Endpoint.Id);
            lease.Release(LeaseOutcome.Success);
        }

        Assert.All(ids, id => Assert.Equal("b", id));
    }

    [Fact]
    public async Task TakeWindow_QueuedAndInFlight_CountsBoth()
    {
        using var throttler = Create(Ep("a", 1));
        await Acquire(throttler);
        _ = Acquire(throttler);
        _ = Acquire(throttler);

        _time.Advance(TimeSpan.FromSeconds(1));
        var window = throttler.TakeWindow();

        Assert.Equal(3.0, window.AverageConcurrency, 9);
        Assert.Equal(3, window.PeakConcurrency);
        Assert.Equal(3.0, window.RequestsPerSecond, 9);
        Assert.Equal(2, window.QueueDepth);
        Assert.Equal(1, window.InFlight);
    }

    private FunctionThrottler Create(params InstanceEndpoint[] endpoints) => Create(new ActivatorOptions(), endpoints);

    private FunctionThrottler Create(ActivatorOptions options, params InstanceEndpoint[] endpoints)
    {
        var throttler = new FunctionThrottler(Key, options, _time);
        throttler.UpdateEndpoints(endpoints);
        return throttler;
    }

    private static ValueTask<AcquireResult> Acquire(
        FunctionThrottler throttler,
        long bytes = 0,
        TimeSpan? timeout = null,
        string? avoid = null,
        CancellationToken cancellationToken = default) =>
        throttler.AcquireAsync(bytes, timeout ?? Timeout, avoid, newRequest: true, cancellationToken);

    /// <summary>A lease on a given instance (round-robin makes the pick order vary); others taken meanwhile are released.</summary>
    private static async Task<InstanceLease> AcquireOn(FunctionThrottler throttler, string id)
    {
        var others = new List<InstanceLease>();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                var lease = (await Acquire(throttler)).Lease!;
                if (lease.Endpoint.Id == id)
                {
                    return lease;
                }

                others.Add(lease);
            }

            throw new InvalidOperationException($"instance {id} was never picked");
        }
        finally
        {
            others.ForEach(l => l.Release(LeaseOutcome.Neutral));
        }
    }

    private static InstanceEndpoint Ep(string id, int containerConcurrency) => new(id, "127.0.0.1", 1, containerConcurrency);
}
