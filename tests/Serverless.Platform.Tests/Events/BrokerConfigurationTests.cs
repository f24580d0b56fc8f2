using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Events;

public sealed class BrokerConfigurationTests
{
    [Fact]
    public async Task Platform_InvalidBrokerSection_ExitsNamingKeyValueAndRange()
    {
        using var home = new TempDirectory("events-config");
        await File.WriteAllTextAsync(
            Path.Combine(home.Path, "config.json"),
            """{"broker": {"trigger-concurrency": "0", "delivery-backoff-policy": "random"}}""");

        var result = await ProcessRunner.RunAsync(
            "dotnet",
            [RepoPaths.Built("platform", "Serverless.Platform.dll"), "--home", home.Path, "--ingress", "127.0.0.1:0", "--admin", "127.0.0.1:0"],
            timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("trigger-concurrency = 0, must be between 1 and 10000", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("delivery-backoff-policy = random, must be one of exponential, linear", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
    }
}
