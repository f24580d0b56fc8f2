using System.Diagnostics;
using Serverless.Runtime.Dotnet.Concurrency;
using Serverless.Runtime.Dotnet.Metrics;
using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Metrics;

/// <summary>The runtime's own writer of the exposition format (it replaced prometheus-net for start-up time, issue #21).</summary>
public sealed class RuntimeMetricsTests
{
    public static TheoryData<string, (int Code, double Seconds)[], double[]> Recordings => new()
    {
        // name, recorded (code, seconds), expected cumulative counts of the buckets 0.005, 0.01, 0.025, 0.05, 0.1 … 300, +Inf
        { "nothing", [], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
        { "one per bucket edge", [(200, 0.005), (200, 0.01), (404, 300)], [1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 3] },
        { "over the last bucket", [(504, 301), (200, 0.001)], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2] },
        { "between edges", [(201, 0.2), (201, 0.07), (500, 2)], [0, 0, 0, 0, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3] },
    };

    [Theory]
    [MemberData(nameof(Recordings))]
    public void Export_AfterRecordings_HasCountsByCodeAndCumulativeBuckets(string name, (int Code, double Seconds)[] recorded, double[] buckets)
    {
        _ = name;
        var metrics = new RuntimeMetrics(new ConcurrencyLimiter(0), new Dictionary<string, string>());
        foreach (var (code, seconds) in recorded)
        {
            metrics.RecordRequest(code, TimeSpan.FromSeconds(seconds));
        }

        var samples = PrometheusText.Parse(metrics.Export());

        var byCode = samples.Where(s => s.Name == RuntimeMetrics.RequestsTotal).ToDictionary(s => int.Parse(s.Labels["code"], System.Globalization.CultureInfo.InvariantCulture), s => s.Value);
        Assert.Equal(recorded.GroupBy(r => r.Code).ToDictionary(g => g.Key, g => (double)g.Count()), byCode);
        Assert.Equal(recorded.Length, samples.Value(RuntimeMetrics.RequestDuration + "_count"));
        Assert.Equal(recorded.Sum(r => r.Seconds), samples.Value(RuntimeMetrics.RequestDuration + "_sum"), 6);
        Assert.Equal(buckets, samples.Where(s => s.Name == RuntimeMetrics.RequestDuration + "_bucket").Select(s => s.Value).ToArray());
        Assert.Equal("+Inf", samples.Last(s => s.Name == RuntimeMetrics.RequestDuration + "_bucket").Labels["le"]);
    }

    [Fact]
    public void Export_InFlight_IsTheLimitersCountAtScrapeTime()
    {
        var limiter = new ConcurrencyLimiter(0);
        var metrics = new RuntimeMetrics(limiter, new Dictionary<string, string>());
        Assert.True(limiter.TryAcquire());
        Assert.True(limiter.TryAcquire());
        var during = PrometheusText.Parse(metrics.Export()).Value(RuntimeMetrics.InFlight);
        limiter.Release();

        Assert.Equal((2, 1), (during, PrometheusText.Parse(metrics.Export()).Value(RuntimeMetrics.InFlight)));
    }

    [Fact]
    public void Export_IdentityWithQuoteBackslashAndNewline_IsEscapedOnEverySeries()
    {
        var identity = new Dictionary<string, string> { ["namespace"] = "a\"b", ["function"] = "c\\d", ["revision"] = "e\nf" };
        var metrics = new RuntimeMetrics(new ConcurrencyLimiter(0), identity);
        metrics.RecordRequest(200, TimeSpan.FromMilliseconds(3));

        var samples = PrometheusText.Parse(metrics.Export());

        Assert.Equal(19, samples.Count); // one code, in-flight, sum, count, 14 buckets and +Inf
        Assert.All(samples, s => Assert.Equal(("a\"b", "c\\d", "e\nf"), (s.Labels["namespace"], s.Labels["function"], s.Labels["revision"])));
    }

    /// <summary>Prometheus's own checker (Debian's promtool) accepts the text, identity labels and all.</summary>
    [Fact]
    public async Task Export_PassesPromtoolCheckMetrics()
    {
        var metrics = new RuntimeMetrics(new ConcurrencyLimiter(0), new Dictionary<string, string> { ["namespace"] = "default", ["function"] = "hello", ["revision"] = "r1" });
        metrics.RecordRequest(200, TimeSpan.FromMilliseconds(12));
        metrics.RecordRequest(500, TimeSpan.FromSeconds(2));

        var info = new ProcessStartInfo("promtool", ["check", "metrics"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(metrics.Export());
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(process.ExitCode == 0, $"promtool: {await output}{await errors}");
        Assert.Equal("", (await output + await errors).Trim());
    }
}
