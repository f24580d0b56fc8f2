using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Monitoring;

/// <summary>
/// Issue #16 against the real local platform: every metric deploy/monitoring/ uses is exposed (by the platform or a
/// runtime), promtool finds the exposition clean, and a real Prometheus (Debian's 2.42) configured with the README's
/// lines discovers the instances through /sd/prometheus and scrapes them.
/// </summary>
public sealed partial class PrometheusScrapeTests(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private const string Functions = "/apis/serverless.dev/v1alpha1/namespaces/default/functions";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Metrics_UsedByDashboardAndRules_AreExposedAndPromtoolFindsThemClean()
    {
        var instanceMetrics = await InvokeAndScrapeInstanceAsync("scrape-names");
        using var http = fixture.Platform.CreateAnonymousAdminClient(TimeSpan.FromSeconds(10));
        var platformMetrics = await http.GetStringAsync("metrics"); // loopback: no token needed

        var exposed = Families(platformMetrics).Concat(Families(instanceMetrics)).ToHashSet(StringComparer.Ordinal);
        var used = MetricNamesUsed();

        Assert.True(used.Count >= 15, $"only {used.Count} names found in deploy/monitoring/");
        Assert.Empty(used.Where(name => !exposed.Contains(name)).Order(StringComparer.Ordinal));
        foreach (var (what, text) in new[] { ("platform", platformMetrics), ("instance", instanceMetrics) })
        {
            var file = Path.Combine(fixture.Platform.Home, what + "-metrics.txt");
            await File.WriteAllTextAsync(file, text);
            var lint = await ShellAsync($"promtool check metrics < '{file}'");
            Assert.True(lint.ExitCode == 0 && lint.StdOut.Trim().Length == 0 && lint.StdErr.Trim().Length == 0, $"{what}: {lint}");
        }
    }

    [Fact]
    public async Task Prometheus_WithTheReadmeConfig_DiscoversAndScrapesInstancesAndThePlatform()
    {
        await InvokeAndScrapeInstanceAsync("scrape-prom");
        using var work = new TempDirectory("serverless-prometheus");
        var admin = new Uri(fixture.Platform.AdminUrl);
        var config = Path.Combine(work.Path, "prometheus.yml");
        await File.WriteAllTextAsync(config, $$"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: serverless-functions
                honor_labels: true
                http_sd_configs:
                  - url: {{admin}}sd/prometheus
                    refresh_interval: 1s
                    authorization: {type: Bearer, credentials_file: {{Path.Combine(fixture.Platform.Home, "admin-token")}}}
                    tls_config: {ca_file: {{Path.Combine(fixture.Platform.Home, "tls", "ca.crt")}}}
              - job_name: serverless-platform
                scheme: https
                tls_config: {ca_file: {{Path.Combine(fixture.Platform.Home, "tls", "ca.crt")}}}
                static_configs: [{targets: ["{{admin.Authority}}"]}]
            """);
        var port = FreePort.Next();
        using var prometheus = StartPrometheus(config, work.Path, port);
        try
        {
            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(5) };

            var requests = await QueryUntilAsync(api, prometheus, "serverless_runtime_requests_total{function=\"scrape-prom\"}");
            var leader = await QueryUntilAsync(api, prometheus, "serverless_controller_leader{job=\"serverless-platform\"}");
            var up = await QueryUntilAsync(api, prometheus, "up{job=\"serverless-functions\",function=\"scrape-prom\"}");

            var series = Assert.Single(requests);
            var labels = series.GetProperty("metric");
            Assert.Equal(("default", "scrape-prom", "200", "serverless-functions"), (Label(labels, "namespace"), Label(labels, "function"), Label(labels, "code"), Label(labels, "job")));
            // Named after its Function, whether started for it or specialized from the warm pool.
            Assert.StartsWith("scrape-prom-", Label(labels, "instance_id"), StringComparison.Ordinal);
            Assert.NotEmpty(Label(labels, "revision"));
            Assert.DoesNotContain(labels.EnumerateObject(), l => l.Name.StartsWith("exported_", StringComparison.Ordinal));
            Assert.Equal("1", Value(series));
            Assert.Equal("1", Value(Assert.Single(leader)));
            Assert.Equal("1", Value(Assert.Single(up)));
        }
        finally
        {
            if (!prometheus.HasExited)
            {
                prometheus.Kill(entireProcessTree: true);
            }

            await prometheus.WaitForExitAsync();
        }
    }

    /// <summary>Every serverless_* name in the dashboard and the rules, without the histogram suffixes.</summary>
    private static HashSet<string> MetricNamesUsed()
    {
        var folder = Path.Combine(RepoPaths.Root, "deploy", "monitoring");
        var text = File.ReadAllText(Path.Combine(folder, "grafana-dashboard.json")) + File.ReadAllText(Path.Combine(folder, "prometheusrule.yaml"));
        return MetricName().Matches(text).Select(m => HistogramSuffix().Replace(m.Value, "")).ToHashSet(StringComparer.Ordinal);
    }

    private static IEnumerable<string> Families(string exposition) =>
        exposition.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]);

    /// <summary>Deploys the C# echo function at zero, calls it once through the ingress (a cold start), and scrapes its instance.</summary>
    private async Task<string> InvokeAndScrapeInstanceAsync(string name)
    {
        var function = new Function
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new FunctionSpec
            {
                Runtime = RuntimeNames.Dotnet,
                Handler = "DotnetTest::DotnetTest.Handlers::Echo",
                Source = new FunctionSource { Path = RepoPaths.Built("testassets", "functions", "dotnet-test") },
                Scale = new ScaleSpec { InitialScale = 0, MinScale = 0 },
            },
        };
        using var content = new StringContent(ResourceJson.Serialize(function), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using (var created = await fixture.Admin.PostAsync(Functions, content))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var ingress = new HttpClient { BaseAddress = new Uri(fixture.Platform.IngressUrl), Timeout = Bound };
        using var deadline = new CancellationTokenSource(Bound);
        while (true)
        {
            // 404 until the activator's informer has the Function.
            using var response = await ingress.GetAsync($"/default/{name}/hello", deadline.Token);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                break;
            }

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            await Task.Delay(100, deadline.Token);
        }

        using var sd = await fixture.Admin.GetAsync("/sd/prometheus", deadline.Token);
        var target = JsonDocument.Parse(await sd.Content.ReadAsStringAsync(deadline.Token)).RootElement.EnumerateArray()
            .Where(g => g.GetProperty("labels").GetProperty("function").GetString() == name)
            .Select(g => g.GetProperty("targets")[0].GetString())
            .First();
        using var scraper = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        while (true)
        {
            // The runtime records an invocation once its answer is flushed: possibly just after the client has it.
            var text = await scraper.GetStringAsync($"http://{target}/metrics", deadline.Token);
            if (text.Contains("serverless_runtime_requests_total{", StringComparison.Ordinal))
            {
                return text;
            }

            await Task.Delay(50, deadline.Token);
        }
    }

    private readonly StringBuilder _prometheusLog = new();

    private void Log(string? line)
    {
        if (line is not null)
        {
            lock (_prometheusLog)
            {
                _prometheusLog.AppendLine(line);
            }
        }
    }

    private Process StartPrometheus(string config, string directory, int port)
    {
        var info = new ProcessStartInfo("prometheus")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in new[]
        {
            "--config.file=" + config, "--storage.tsdb.path=" + Path.Combine(directory, "data"),
            "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), "--log.level=warn",
        })
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            var process = Process.Start(info)!;
            process.OutputDataReceived += (_, e) => Log(e.Data);
            process.ErrorDataReceived += (_, e) => Log(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return process;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("prometheus is not installed: run scripts/monitoring-tools (./test does), or apt-get install prometheus", e);
        }
    }

    /// <summary>Polls an instant query (bounded) until it returns a series; Prometheus needs a refresh and a scrape first.</summary>
    private async Task<JsonElement[]> QueryUntilAsync(HttpClient api, Process prometheus, string query)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < Bound)
        {
            Assert.False(prometheus.HasExited, "prometheus exited: " + PrometheusLog());
            try
            {
                using var response = await api.GetAsync("api/v1/query?query=" + Uri.EscapeDataString(query));
                if (response.IsSuccessStatusCode)
                {
                    var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("result");
                    if (result.GetArrayLength() > 0)
                    {
                        return [.. result.EnumerateArray()];
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or slow to answer: ask again.
            }

            await Task.Delay(250);
        }

        using var targets = await api.GetAsync("api/v1/targets");
        throw new TimeoutException(
            $"no series for {query} within {Bound}; targets: {await targets.Content.ReadAsStringAsync()}\nprometheus said:\n{PrometheusLog()}");
    }

    private string PrometheusLog()
    {
        lock (_prometheusLog)
        {
            return _prometheusLog.ToString();
        }
    }

    private static string Label(JsonElement labels, string name) => labels.TryGetProperty(name, out var value) ? value.GetString() ?? "" : "";

    private static string Value(JsonElement series) => series.GetProperty("value")[1].GetString()!;

    private static Task<ProcessRunner.Result> ShellAsync(string command) =>
        ProcessRunner.RunAsync("sh", ["-c", command], timeout: TimeSpan.FromMinutes(1));

    [GeneratedRegex("serverless_[a-z_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex("_(bucket|count|sum)$")]
    private static partial Regex HistogramSuffix();
}
