using Serverless.Backends.Kubernetes.Leadership;

namespace Serverless.Backends.Kubernetes.Tests.Leadership;

public sealed class LeaderElectionOptionsTests
{
    [Fact]
    public void Validate_Defaults_Pass()
    {
        new LeaderElectionOptions { Identity = "pod-1" }.Validate();
    }

    [Theory]
    [InlineData("empty identity", "", 15, 10, 2, "identity")]
    [InlineData("zero retry", "p", 15, 10, 0, "retry-period = 0s")]
    [InlineData("renew not above retry", "p", 15, 2, 2, "renew-deadline = 2s")]
    [InlineData("lease not above renew", "p", 10, 10, 2, "lease-duration = 10s")]
    public void Validate_Invalid_NamesKeyAndValue(string label, string identity, int lease, int renew, int retry, string expected)
    {
        var options = new LeaderElectionOptions
        {
            Identity = identity,
            LeaseDuration = TimeSpan.FromSeconds(lease),
            RenewDeadline = TimeSpan.FromSeconds(renew),
            RetryPeriod = TimeSpan.FromSeconds(retry),
        };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{label}: {error.Message}");
    }
}
