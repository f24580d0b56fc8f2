using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.Platform.Tests.Admin;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Monitoring;

/// <summary>
/// Issue #17's follow-up on the real local platform: with every revision its own workload, the activator's and the
/// autoscaler's series still name the Function in <c>function</c> and tell the revisions apart in <c>revision</c>,
/// a real Prometheus sums a split's revisions into the Function's series, and a revision's series go with it.
/// </summary>
public sealed partial class PrometheusScrapeTests
{
    private const string SplitName = "revlabels";
    private const string SlowHandler = "DotnetTest::DotnetTest.Handlers::Slow"; // v1 answers "slept 0"
    private const string EchoHandler = "DotnetTest::DotnetTest.Handlers::Echo"; // v2 answers JSON with the path

    [Fact]
    public async Task Metrics_TwoRevisionSplit_SeriesCarryTheFunctionAndTheirRevisionAndPrometheusSumsThem()
    {
        var admin = fixture.Admin;
        using (var created = await admin.PostAsync(Functions, JsonBody(AdminApiTests.DotnetFunction(SplitName, SlowHandler))))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        await WaitForFunctionAsync(f => f.Status?.LatestReadyRevision == $"{SplitName}-00001");
        await ChangeFunctionAsync(f => f.Spec.Handler = EchoHandler);
        await WaitForFunctionAsync(f => f.Status?.LatestReadyRevision == $"{SplitName}-00002");
        await ChangeFunctionAsync(f => f.Spec.Traffic =
        [
            new TrafficTarget { RevisionName = $"{SplitName}-00001", Percent = 50 },
            new TrafficTarget { RevisionName = $"{SplitName}-00002", Percent = 50 },
        ]);
        await WaitForFunctionAsync(f => string.Join(",", (f.Status?.Traffic ?? []).Select(t => $"{t.RevisionName}:{t.Percent}")) == $"{SplitName}-00001:50,{SplitName}-00002:50");

        using var ingress = new HttpClient { BaseAddress = new Uri(fixture.Platform.IngressUrl), Timeout = Bound };
        var answered = new Dictionary<string, int> { [$"{SplitName}-00001"] = 0, [$"{SplitName}-00002"] = 0 };
        for (var i = 0; i < 40; i++)
        {
            using var response = await ingress.GetAsync($"/default/{SplitName}/?ms=0");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
            answered[body == "slept 0" ? $"{SplitName}-00001" : $"{SplitName}-00002"]++;
        }

        Assert.True(answered.Values.All(n => n > 0), $"the split reached one revision only: {string.Join(", ", answered)}");

        // The platform's own /metrics: one requests series per revision, both named after the Function, counting what
        // each revision answered, and the gauges per revision too. The count lands just after the client has its
        // answer, and the autoscaler's gauges at its next tick: wait for them, bounded.
        using var http = fixture.Platform.CreateAnonymousAdminClient(TimeSpan.FromSeconds(10));
        var function = $"default/{SplitName}";
        var expected = answered.ToDictionary(a => $"{a.Key} 200", a => (double)a.Value).OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        var gauges = new[] { "serverless_activator_ready_instances", "serverless_activator_in_flight", "serverless_autoscaler_desired_replicas" };
        var deadline = Stopwatch.StartNew();
        KeyValuePair<string, double>[] counted;
        Dictionary<string, string> revisionsOf;
        string text;
        do
        {
            text = await http.GetStringAsync("metrics");
            counted = [.. Series(text, "serverless_activator_requests_total")
                .Where(s => s.Labels.GetValueOrDefault("function") == function)
                .Select(s => KeyValuePair.Create($"{s.Labels.GetValueOrDefault("revision")} {s.Labels.GetValueOrDefault("code")}", s.Value))
                .OrderBy(p => p.Key, StringComparer.Ordinal)];
            revisionsOf = gauges.ToDictionary(
                family => family,
                family => string.Join(", ", Series(text, family).Where(s => s.Labels.GetValueOrDefault("function") == function).Select(s => s.Labels.GetValueOrDefault("revision")).Order(StringComparer.Ordinal)));
        }
        while (!(counted.SequenceEqual(expected) && revisionsOf.Values.All(r => r == $"{SplitName}-00001, {SplitName}-00002")) && deadline.Elapsed < Bound && await Delay());

        Assert.Equal(expected, counted);
        foreach (var (family, revisions) in revisionsOf)
        {
            Assert.True(revisions == $"{SplitName}-00001, {SplitName}-00002", $"{family}: [{revisions}]");
        }

        // Never the revision's workload key as the function (what every series said before the labels were split).
        Assert.DoesNotContain($"function=\"default/{SplitName}-0000", text, StringComparison.Ordinal);

        // The instances' scrape targets name the Function too, both revisions' (their revision label is the content
        // hash, as K_REVISION and the runtimes' own series carry it): none is named after a revision's workload.
        using (var sd = await admin.GetAsync("/sd/prometheus"))
        {
            var groups = JsonDocument.Parse(await sd.Content.ReadAsStringAsync()).RootElement.EnumerateArray()
                .Select(g => g.GetProperty("labels"))
                .Where(l => l.GetProperty("instance_id").GetString()!.StartsWith(SplitName + "-", StringComparison.Ordinal))
                .ToList();
            Assert.All(groups, l => Assert.Equal(SplitName, l.GetProperty("function").GetString()));
            Assert.Equal(2, groups.Select(l => l.GetProperty("revision").GetString()).Distinct().Count());
        }

        // A real Prometheus scraping the platform sums the two revisions into the Function's one series.
        using var work = new TempDirectory("serverless-prometheus-split");
        var adminUrl = new Uri(fixture.Platform.AdminUrl);
        var config = Path.Combine(work.Path, "prometheus.yml");
        await File.WriteAllTextAsync(config, $$"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: serverless-platform
                scheme: https
                tls_config: {ca_file: {{Path.Combine(fixture.Platform.Home, "tls", "ca.crt")}}}
                static_configs: [{targets: ["{{adminUrl.Authority}}"]}]
            """);
        var port = FreePort.Next();
        using var prometheus = StartPrometheus(config, work.Path, port);
        try
        {
            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(5) };
            var query = $"sum by (function) (serverless_activator_requests_total{{function=\"{function}\"}})";
            var summed = await QueryUntilAsync(api, prometheus, query);
            var series = Assert.Single(summed);
            Assert.Equal(["function"], series.GetProperty("metric").EnumerateObject().Select(l => l.Name));
            Assert.Equal(function, Label(series.GetProperty("metric"), "function"));
            Assert.Equal("40", Value(series));
            var byRevision = await QueryUntilAsync(api, prometheus, $"sum by (function, revision) (serverless_activator_requests_total{{function=\"{function}\"}})");
            Assert.Equal(2, byRevision.Length);
        }
        finally
        {
            if (!prometheus.HasExited)
            {
                prometheus.Kill(entireProcessTree: true);
            }

            await prometheus.WaitForExitAsync();
        }

        // Bounded label values: promoted to v2, v1 leaves the route, drains and goes to zero, and the activator drops
        // its series; the Function deleted, every series naming it goes (the activator's once its instances are gone).
        await ChangeFunctionAsync(f => f.Spec.Traffic = [new TrafficTarget { RevisionName = $"{SplitName}-00002", Percent = 100 }]);
        var activatorFamilies = new[] { "serverless_activator_requests_total", "serverless_activator_ready_instances", "serverless_activator_in_flight", "serverless_activator_queue_depth" };
        text = await UntilMetricsAsync(http, t => !activatorFamilies.Any(f => Series(t, f).Any(s => s.Labels.GetValueOrDefault("revision") == $"{SplitName}-00001")));
        Assert.Contains(Series(text, "serverless_activator_requests_total"), s => s.Labels.GetValueOrDefault("revision") == $"{SplitName}-00002");

        using (var deleted = await admin.DeleteAsync(Functions + "/" + SplitName))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        text = await UntilMetricsAsync(http, t => !t.Contains($"function=\"{function}\"", StringComparison.Ordinal));
        Assert.DoesNotContain($"function=\"{function}\"", text, StringComparison.Ordinal);
    }

    /// <summary>The platform's /metrics once <paramref name="done"/> holds for it (polled, bounded by 90 s), else the last one.</summary>
    private static async Task<string> UntilMetricsAsync(HttpClient http, Func<string, bool> done)
    {
        var deadline = Stopwatch.StartNew();
        string text;
        do
        {
            text = await http.GetStringAsync("metrics");
        }
        while (!done(text) && deadline.Elapsed < TimeSpan.FromSeconds(90) && await Delay());

        return text;
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(100);
        return true;
    }

    /// <summary>The samples of one family in a text exposition, with their labels.</summary>
    private static IEnumerable<(Dictionary<string, string> Labels, double Value)> Series(string exposition, string family) =>
        SampleLine().Matches(exposition)
            .Where(m => m.Groups["name"].Value == family)
            .Select(m => (
                LabelPair().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups["name"].Value, l => l.Groups["value"].Value, StringComparer.Ordinal),
                double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture)));

    private static StringContent JsonBody(object value) => new(ResourceJson.Serialize(value), Encoding.UTF8, "application/json");

    private async Task<Function> GetFunctionAsync()
    {
        using var response = await fixture.Admin.GetAsync(Functions + "/" + SplitName);
        response.EnsureSuccessStatusCode();
        return ResourceJson.Deserialize<Function>(await response.Content.ReadAsStringAsync());
    }

    private async Task ChangeFunctionAsync(Action<Function> edit)
    {
        for (var attempt = 0; ; attempt++)
        {
            var function = await GetFunctionAsync();
            edit(function);
            using var replaced = await fixture.Admin.PutAsync(Functions + "/" + SplitName, JsonBody(function));
            if (replaced.StatusCode == HttpStatusCode.Conflict && attempt < 5)
            {
                continue; // the controller wrote the status in between
            }

            Assert.True(replaced.StatusCode == HttpStatusCode.OK, await replaced.Content.ReadAsStringAsync());
            return;
        }
    }

    private async Task WaitForFunctionAsync(Func<Function, bool> predicate)
    {
        var deadline = Stopwatch.StartNew();
        Function? last = null;
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            last = await GetFunctionAsync();
            if (predicate(last))
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{SplitName} never matched; last status {ResourceJson.Serialize(last?.Status ?? new FunctionStatus())}\n{fixture.Platform.Output}");
    }

    [GeneratedRegex("""^(?<name>[a-z_]+)\{(?<labels>[^}]*)\} (?<value>\S+)$""", RegexOptions.Multiline)]
    private static partial Regex SampleLine();

    [GeneratedRegex("(?<name>[a-z_]+)=\"(?<value>[^\"]*)\"")]
    private static partial Regex LabelPair();
}
