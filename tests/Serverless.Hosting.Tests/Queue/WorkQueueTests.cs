using Serverless.Hosting.Queue;
using Serverless.TestSupport;

namespace Serverless.Hosting.Tests.Queue;

public sealed class WorkQueueTests
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Add_SameKeyTwiceWhileWaiting_IsHandedOutOnce()
    {
        using var queue = new WorkQueue<string>(TimeProvider.System, RetryBackoff.Default);
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");

        Assert.Equal("a", await queue.GetAsync(CancellationToken.None).AsTask().WaitAsync(Short));
        Assert.Equal("b", await queue.GetAsync(CancellationToken.None).AsTask().WaitAsync(Short));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Add_KeyBeingProcessed_IsHandedOutAgainOnlyAfterDone()
    {
        using var queue = new WorkQueue<string>(TimeProvider.System, RetryBackoff.Default);
        queue.Add("a");
        var first = await queue.GetAsync(CancellationToken.None).AsTask().WaitAsync(Short);

        queue.Add("a");
        var second = queue.GetAsync(CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(second.IsCompleted); // never two workers on one key

        queue.Done(first);
        Assert.Equal("a", await second.WaitAsync(Short));
    }

    [Fact]
    public async Task AddRateLimited_RepeatedFailures_BackOffOnVirtualTime()
    {
        var time = new ManualTimeProvider();
        using var queue = new WorkQueue<string>(time, new RetryBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)));

        Assert.Equal(TimeSpan.FromSeconds(1), queue.AddRateLimited("a"));
        Assert.Equal(TimeSpan.FromSeconds(2), queue.AddRateLimited("a"));
        var next = queue.GetAsync(CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(next.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("a", await next.WaitAsync(Short));

        queue.Forget("a");
        Assert.Equal(TimeSpan.FromSeconds(1), queue.AddRateLimited("a"));
    }
}
