using System.Net;
using Serverless.Runtime.Dotnet.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Integration;

public sealed class RuntimeMetricsTests
{
    [Fact]
    public async Task Metrics_AfterMixedRequests_CountsInvocationsByCodeAndNotThePlatformPaths()
    {
        await using var runtime = await RuntimeProcess.StartTestHandlerReadyAsync("Status");
        (int Code, int Times)[] plan = [(200, 3), (404, 2), (503, 1)];
        foreach (var (code, times) in plan)
        {
            for (var i = 0; i < times; i++)
            {
                using var response = await runtime.Client.GetAsync($"?code={code}");
                Assert.Equal((HttpStatusCode)code, response.StatusCode);
            }
        }

        foreach (var reserved in new[] { "healthz", "readyz", "metrics" })
        {
            using var response = await runtime.Platform.GetAsync(reserved);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var metrics = await runtime.Platform.GetAsync("metrics");
        var samples = PrometheusText.Parse(await metrics.Content.ReadAsStringAsync());

        Assert.Equal("text/plain", metrics.Content.Headers.ContentType?.MediaType);
        var counted = samples.Where(s => s.Name == "serverless_runtime_requests_total")
            .ToDictionary(s => s.Labels["code"], s => s.Value);
        Assert.Equal(new Dictionary<string, double> { ["200"] = 3, ["404"] = 2, ["503"] = 1 }, counted);
        Assert.Equal(0, samples.Value("serverless_runtime_in_flight"));
        Assert.Equal(6, samples.Value("serverless_runtime_request_duration_seconds_count"));
        Assert.Equal(6, samples.Value("serverless_runtime_request_duration_seconds_bucket", ("le", "+Inf")));
        Assert.True(samples.Value("serverless_runtime_request_duration_seconds_sum") > 0);
    }

    /// <summary>
    /// Issue #21: a start warms the binding and the invocation pipeline on a method of its own while the host builds.
    /// Neither the user's handler (an instance handler counting its calls) nor the metrics may see it.
    /// </summary>
    [Fact]
    public async Task Start_WarmUp_NeitherInvokesTheHandlerNorCountsInTheMetrics()
    {
        await using var runtime = await RuntimeProcess.StartReadyAsync("DotnetTest::DotnetTest.Counter::Next", RuntimeProcess.TestFunctionPath);

        var before = await runtime.ScrapeAsync();
        using var response = await runtime.Client.GetAsync("");

        Assert.DoesNotContain(before, s => s.Name == "serverless_runtime_requests_total");
        Assert.Equal(0, before.Value("serverless_runtime_request_duration_seconds_count"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", await response.Content.ReadAsStringAsync());
    }

    /// <summary>Issue #16: every series names the instance's namespace, function and revision, from the platform's variables.</summary>
    [Fact]
    public async Task Metrics_WithIdentityVariables_LabelEverySeries()
    {
        await using var runtime = await RuntimeProcess.StartTestHandlerReadyAsync(
            "Status", ("FUNCTION_NAMESPACE", "team-a"), ("K_SERVICE", "hello"), ("K_CONFIGURATION", "hello"), ("K_REVISION", "0123abcd"));
        using (var response = await runtime.Client.GetAsync("?code=201"))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var samples = await runtime.ScrapeAsync();

        Assert.NotEmpty(samples);
        Assert.All(samples, s =>
        {
            Assert.Equal("team-a", s.Labels["namespace"]);
            Assert.Equal("hello", s.Labels["function"]);
            Assert.Equal("0123abcd", s.Labels["revision"]);
        });
        Assert.Equal(1, samples.Value("serverless_runtime_requests_total", ("code", "201"), ("function", "hello")));
    }
}
