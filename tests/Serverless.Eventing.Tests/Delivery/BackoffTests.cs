using Serverless.Eventing.Delivery;

namespace Serverless.Eventing.Tests.Delivery;

public sealed class BackoffTests
{
    public static TheoryData<string, string, double, int, double> Cases => new()
    {
        // label, policy, backoffDelay s, retry n, expected wait s
        { "exponential first retry doubles", "exponential", 0.2, 1, 0.4 },
        { "exponential second", "exponential", 0.2, 2, 0.8 },
        { "exponential third", "exponential", 0.2, 3, 1.6 },
        { "exponential tenth", "exponential", 1, 10, 1024 },
        { "linear first", "linear", 0.2, 1, 0.2 },
        { "linear second", "linear", 0.2, 2, 0.4 },
        { "linear fifth", "linear", 0.5, 5, 2.5 },
        { "exponential capped at a day", "exponential", 1, 100, 86400 },
        { "linear capped at a day", "linear", 3600, 100, 86400 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Delay_Table_FollowsKnativeFormulas(string label, string policy, double delaySeconds, int retry, double expectedSeconds)
    {
        var wait = Backoff.Delay(policy, TimeSpan.FromSeconds(delaySeconds), retry);

        Assert.True(Math.Abs(wait.TotalSeconds - expectedSeconds) < 1e-6, $"{label}: got {wait.TotalSeconds} s");
    }

    [Fact]
    public void Delay_RetryZero_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.Delay("linear", TimeSpan.FromSeconds(1), 0));
    }
}
