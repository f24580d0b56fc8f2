using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Configuration;

/// <summary><c>{home}/config.json</c> on the real platform: a bad value stops it at start with a message naming key, value and range.</summary>
public sealed class ComponentConfigTests
{
    [Theory]
    [InlineData("activator queue depth", """{"activator": {"queue-depth": "-1"}}""", "queue-depth = -1, must be 0 or more")]
    [InlineData("activator duration", """{"activator": {"activation-timeout": "soon"}}""", "activation-timeout = soon, must be a duration")]
    [InlineData("autoscaler rate", """{"autoscaler": {"max-scale-up-rate": "0.5"}}""", "max-scale-up-rate = 0.5, must be greater than 1.0")]
    [InlineData("autoscaler max scale limit", """{"autoscaler": {"max-scale-limit": "-3"}}""", "max-scale-limit = -3, must be at least 0")]
    [InlineData("local sandbox switch", """{"local": {"sandbox": "off"}}""", "sandbox = off, must be true or false")]
    [InlineData("local instance cap", """{"local": {"max-instances": "0"}}""", "max-instances = 0, must be at least 1")]
    [InlineData("gc retention count", """{"gc": {"min-non-active-revisions": "-1"}}""", "min-non-active-revisions = -1, must be between 0 and 100000")]
    [InlineData("gc max below min", """{"gc": {"min-non-active-revisions": "5", "max-non-active-revisions": "2"}}""", "max-non-active-revisions = 2, must be at least min-non-active-revisions (5)")]
    [InlineData("network rollout duration", """{"network": {"rollout-duration": "25h"}}""", "rollout-duration = 25h, must be between 0s and 24h")]
    [InlineData("network rollout duration unreadable", """{"network": {"rollout-duration": "slowly"}}""", "rollout-duration = slowly, must be a duration")]
    [InlineData("gc duration", """{"gc": {"retain-since-create-time": "forever"}}""", "retain-since-create-time = forever, must be a duration")]
    public async Task Platform_InvalidComponentSetting_ExitsNamingKeyValueAndRange(string label, string config, string message)
    {
        using var home = new TempDirectory("serverless-config");
        await File.WriteAllTextAsync(Path.Combine(home.Path, "config.json"), config);

        var result = await ProcessRunner.RunAsync(
            "dotnet",
            [RepoPaths.Built("platform", "Serverless.Platform.dll"), "--home", home.Path, "--ingress", "127.0.0.1:0", "--admin", "127.0.0.1:0"],
            timeout: TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 2, $"{label}: exit code {result.ExitCode}, stderr {result.StdErr}");
        Assert.Contains(message, result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Platform_ActivatorSection_AppliesToIngress()
    {
        using var home = new TempDirectory("serverless-config");
        await File.WriteAllTextAsync(Path.Combine(home.Path, "config.json"), """{"activator": {"domain": "fn.test"}}""");
        await using var platform = await PlatformProcess.StartAsync(home.Path);
        using var ingress = new HttpClient { BaseAddress = new Uri(platform.IngressUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = "nothing.default.fn.test";

        using var response = await ingress.SendAsync(request);

        // Routed by host under the configured domain: the 404 names the missing function, not the URL forms.
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no function default/nothing is deployed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
