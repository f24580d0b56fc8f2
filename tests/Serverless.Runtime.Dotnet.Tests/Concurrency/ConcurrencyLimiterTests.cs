using Serverless.Runtime.Dotnet.Concurrency;

namespace Serverless.Runtime.Dotnet.Tests.Concurrency;

public sealed class ConcurrencyLimiterTests
{
    [Theory]
    // limit, acquisitions attempted, expected admitted
    [InlineData(1, 1, 1)]
    [InlineData(1, 3, 1)]
    [InlineData(3, 2, 2)]
    [InlineData(3, 5, 3)]
    [InlineData(0, 1000, 1000)]
    public void TryAcquire_AttemptsAgainstLimit_AdmitsUpToLimit(int limit, int attempts, int expectedAdmitted)
    {
        var limiter = new ConcurrencyLimiter(limit);

        var admitted = Enumerable.Range(0, attempts).Count(_ => limiter.TryAcquire());

        Assert.Equal(expectedAdmitted, admitted);
        Assert.Equal(expectedAdmitted, limiter.InFlight);
    }

    [Fact]
    public void Release_AtLimit_AdmitsTheNextRequest()
    {
        var limiter = new ConcurrencyLimiter(1);
        Assert.True(limiter.TryAcquire());
        Assert.False(limiter.TryAcquire());

        limiter.Release();

        Assert.Equal(0, limiter.InFlight);
        Assert.True(limiter.TryAcquire());
    }

    [Fact]
    public void Release_WithoutAcquire_ThrowsAndKeepsCountAtZero()
    {
        var limiter = new ConcurrencyLimiter(2);

        Assert.Throws<InvalidOperationException>(limiter.Release);
        Assert.Equal(0, limiter.InFlight);
    }

    [Fact]
    public void Constructor_NegativeLimit_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConcurrencyLimiter(-1));
    }

    [Fact]
    public async Task TryAcquire_ManyThreadsRacing_NeverExceedsLimit()
    {
        const int limit = 3;
        var limiter = new ConcurrencyLimiter(limit);
        var current = 0;
        var peak = 0;
        var admitted = 0;

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                if (!limiter.TryAcquire())
                {
                    continue;
                }

                Interlocked.Increment(ref admitted);
                var now = Interlocked.Increment(ref current);
                InterlockedMax(ref peak, now);
                Interlocked.Decrement(ref current);
                limiter.Release();
            }
        }));
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.InRange(peak, 1, limit);
        Assert.True(admitted > 0);
        Assert.Equal(0, limiter.InFlight);
    }

    [Fact]
    public async Task WhenIdleAsync_NothingInFlight_CompletesAtOnce()
    {
        var limiter = new ConcurrencyLimiter(0);

        var idle = limiter.WhenIdleAsync(CancellationToken.None);

        Assert.True(idle.IsCompletedSuccessfully);
        await idle;
    }

    [Fact]
    public async Task WhenIdleAsync_RequestsInFlight_CompletesWhenTheLastIsReleased()
    {
        var limiter = new ConcurrencyLimiter(0);
        limiter.TryAcquire();
        limiter.TryAcquire();

        var idle = limiter.WhenIdleAsync(CancellationToken.None);
        limiter.Release();
        Assert.False(idle.IsCompleted);
        limiter.Release();

        await idle.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(idle.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task WhenIdleAsync_BusyAgainAfterAnEarlierIdle_WaitsForTheNewRequests()
    {
        var limiter = new ConcurrencyLimiter(0);
        await limiter.WhenIdleAsync(CancellationToken.None);
        limiter.TryAcquire();

        var idle = limiter.WhenIdleAsync(CancellationToken.None);
        Assert.False(idle.IsCompleted);
        limiter.Release();

        await idle.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task WhenIdleAsync_Cancelled_ThrowsWithRequestsStillInFlight()
    {
        var limiter = new ConcurrencyLimiter(0);
        limiter.TryAcquire();
        using var cancel = new CancellationTokenSource();

        var idle = limiter.WhenIdleAsync(cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => idle);
        Assert.Equal(1, limiter.InFlight);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
