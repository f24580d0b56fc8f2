using System.Text.Json.Nodes;
using Serverless.Deploy.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Deploy.Tests.Monitoring;

/// <summary>
/// Issue #16: deploy/monitoring/'s PrometheusRule and Grafana dashboard, checked with the real promtool (Debian's
/// prometheus 2.42): the rules load, the alerts fire on the unit-test series of rules-test.yaml and stay quiet
/// otherwise, and every dashboard query is valid PromQL.
/// </summary>
public sealed class MonitoringRulesTests : IDisposable
{
    private readonly TempDirectory _work = new("serverless-promtool");

    public static string RulesTestPath => Path.Combine(RepoPaths.Root, "tests", "Serverless.Deploy.Tests", "Monitoring", "rules-test.yaml");

    [Fact]
    public async Task PromtoolCheckRules_PrometheusRule_LoadsEveryAlert()
    {
        await File.WriteAllTextAsync(Path.Combine(_work.Path, "serverless-rules.json"), RuleGroups().ToJsonString());

        var result = await Promtool.RunAsync(_work.Path, "check", "rules", "serverless-rules.json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SUCCESS: 7 rules found", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PromtoolTestRules_UnitSeries_EveryAlertFiresWhenItShouldAndOnlyThen()
    {
        await File.WriteAllTextAsync(Path.Combine(_work.Path, "serverless-rules.json"), RuleGroups().ToJsonString());
        File.Copy(RulesTestPath, Path.Combine(_work.Path, "rules-test.yaml"));

        var result = await Promtool.RunAsync(_work.Path, "test", "rules", "rules-test.yaml");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SUCCESS", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void PrometheusRule_Alerts_AreTheIssuesListEachTestedInRulesTest()
    {
        var alerts = Alerts().Select(a => (string)a["alert"]!).ToArray();
        var tested = File.ReadAllText(RulesTestPath);

        Assert.Equal(
            [
                "ServerlessBrokerDeadLetters", "ServerlessBrokerUndeliverable", "ServerlessColdStartSlow", "ServerlessControllerLeaderAbsent",
                "ServerlessFunctionErrorRatioHigh", "ServerlessQueueSaturated", "ServerlessReconcileFailing",
            ],
            alerts.Order(StringComparer.Ordinal));
        Assert.All(alerts, alert => Assert.Contains("alertname: " + alert + "\n", tested, StringComparison.Ordinal));
        Assert.All(Alerts(), a => Assert.NotNull(a["annotations"]?["summary"]));
    }

    [Fact]
    public async Task Dashboard_EveryQuery_IsValidPromQL()
    {
        // Grafana's $__rate_interval is no PromQL: it stands for a range, as 5m does here.
        var rules = DashboardQueries().Select((expr, i) => new JsonObject
        {
            ["record"] = $"dashboard:query_{i}",
            ["expr"] = expr.Replace("$__rate_interval", "5m", StringComparison.Ordinal),
        });
        var file = new JsonObject { ["groups"] = new JsonArray(new JsonObject { ["name"] = "dashboard", ["rules"] = new JsonArray([.. rules]) }) };
        await File.WriteAllTextAsync(Path.Combine(_work.Path, "dashboard-queries.json"), file.ToJsonString());

        var result = await Promtool.RunAsync(_work.Path, "check", "rules", "dashboard-queries.json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"SUCCESS: {DashboardQueries().Count} rules found", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Dashboard_Panels_CoverTheIssuesList()
    {
        var dashboard = Dashboard();
        var titles = dashboard["panels"]!.AsArray().Select(p => (string)p!["title"]!).ToArray();

        Assert.Equal("serverless-overview", (string?)dashboard["uid"]);
        foreach (var wanted in new[]
        {
            "Requests per function", "Errors per function", "Latency percentiles", "Cold starts", "Cold start duration", "Desired vs ready instances",
            "Panic mode", "Queue depth", "Broker ingress", "Broker deliveries", "Broker dead letters", "Reconciles", "Reconcile errors",
        })
        {
            Assert.Contains(titles, t => t.StartsWith(wanted, StringComparison.Ordinal));
        }

        Assert.All(dashboard["panels"]!.AsArray(), p => Assert.Equal("${datasource}", (string?)p!["datasource"]!["uid"]));
    }

    /// <summary>
    /// The PodMonitor selects function pods as the Deployment builder labels them (serverless.dev/function and
    /// serverless.dev/revision labels, on the Function's own pods and on a split's other revision's; tests/Serverless.Backends.Kubernetes.Tests checks that side) in any namespace,
    /// and scrapes their private port "platform", never the Service's "http".
    /// </summary>
    [Fact]
    public void PodMonitor_SelectsFunctionPodsPlatformPortInEveryNamespace()
    {
        var monitor = Assert.Single(DeployFiles.Load("monitoring/podmonitor.yaml"));
        var spec = monitor.Node["spec"]!;

        Assert.Equal("PodMonitor", monitor.Kind);
        Assert.True((bool)spec["namespaceSelector"]!["any"]!);
        // No managed-by: a split's other revision's pods leave it out (so the Function's Service does not select them).
        Assert.Null(spec["selector"]!["matchLabels"]);
        Assert.Equal(
            ["serverless.dev/function Exists", "serverless.dev/revision Exists"],
            spec["selector"]!["matchExpressions"]!.AsArray().Select(e => $"{e!["key"]} {e["operator"]}"));
        var endpoint = Assert.Single(spec["podMetricsEndpoints"]!.AsArray())!;
        Assert.Equal(("platform", "/metrics"), ((string?)endpoint["port"], (string?)endpoint["path"]));
        Assert.Equal(
            ["__meta_kubernetes_pod_label_serverless_dev_function->function", "__meta_kubernetes_pod_label_serverless_dev_revision->revision"],
            endpoint["relabelings"]!.AsArray().Select(r => $"{r!["sourceLabels"]![0]}->{r["targetLabel"]}"));
    }

    public void Dispose() => _work.Dispose();

    private static JsonObject RuleGroups()
    {
        var rule = Assert.Single(DeployFiles.Load("monitoring/prometheusrule.yaml"));
        Assert.Equal("PrometheusRule", rule.Kind);
        return new JsonObject { ["groups"] = rule.Node["spec"]!["groups"]!.DeepClone() };
    }

    private static IEnumerable<JsonNode> Alerts() =>
        RuleGroups()["groups"]!.AsArray().SelectMany(g => g!["rules"]!.AsArray()).Select(r => r!);

    private static JsonObject Dashboard() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(DeployFiles.Root, "monitoring", "grafana-dashboard.json")))!.AsObject();

    private static IReadOnlyList<string> DashboardQueries() =>
        Dashboard()["panels"]!.AsArray().SelectMany(p => p!["targets"]!.AsArray()).Select(t => (string)t!["expr"]!).ToArray();
}
