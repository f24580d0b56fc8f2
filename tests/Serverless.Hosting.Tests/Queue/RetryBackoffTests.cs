using Serverless.Hosting.Queue;

namespace Serverless.Hosting.Tests.Queue;

public sealed class RetryBackoffTests
{
    [Theory]
    [InlineData(0, 5)]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(10, 5120)]
    [InlineData(16, 300_000)]
    [InlineData(1000, 300_000)]
    public void Delay_Failures_DoublesUpToTheCap(int failures, double expectedMs)
    {
        Assert.Equal(expectedMs, RetryBackoff.Default.Delay(failures).TotalMilliseconds);
    }
}
