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

    /// <summary>
    /// Issue #17's follow-up: the activator's and autoscaler's series carry <c>function</c> and <c>revision</c>. The
    /// dashboard's per-function queries, evaluated by promtool over a two-revision split (and two activator replicas),
    /// give one series per Function holding the revisions' sum; the per-revision panel keeps them apart.
    /// </summary>
    [Fact]
    public async Task Dashboard_TwoRevisionSplit_FunctionQueriesSumIntoOneSeriesPerFunction()
    {
        var queries = new (string Record, string Panel, int Target)[]
        {
            ("dashboard:requests", "Requests per function", 0),
            ("dashboard:desired", "Desired vs ready instances", 0),
            ("dashboard:ready", "Desired vs ready instances", 1),
            ("dashboard:queued", "Queue depth and in flight", 0),
            ("dashboard:requests_by_revision", "Requests per revision (traffic split)", 0),
        };
        var panels = Dashboard()["panels"]!.AsArray();
        var rules = queries.Select(q => new JsonObject
        {
            ["record"] = q.Record,
            ["expr"] = ((string)panels.Single(p => (string?)p!["title"] == q.Panel)!["targets"]![q.Target]!["expr"]!)
                .Replace("$__rate_interval", "5m", StringComparison.Ordinal),
        });
        var file = new JsonObject { ["groups"] = new JsonArray(new JsonObject { ["name"] = "dashboard", ["rules"] = new JsonArray([.. rules]) }) };
        await File.WriteAllTextAsync(Path.Combine(_work.Path, "dashboard-split.json"), file.ToJsonString());
        // split-00001 takes 1 request/s and split-00002 3/s; each activator replica (a, b) reports every revision's
        // ready instances (2 and 1) and its own queue (5 and 1 on a, 2 and 0 on b); the autoscaler wants 2 and 1.
        await File.WriteAllTextAsync(Path.Combine(_work.Path, "dashboard-split-test.yaml"), """
            rule_files: [dashboard-split.json]
            evaluation_interval: 1m
            tests:
              - interval: 1m
                input_series:
                  - series: 'serverless_activator_requests_total{function="default/split",revision="split-00001",code="200",instance="a"}'
                    values: '0+60x20'
                  - series: 'serverless_activator_requests_total{function="default/split",revision="split-00002",code="200",instance="a"}'
                    values: '0+180x20'
                  - series: 'serverless_activator_ready_instances{function="default/split",revision="split-00001",instance="a"}'
                    values: '2x20'
                  - series: 'serverless_activator_ready_instances{function="default/split",revision="split-00001",instance="b"}'
                    values: '2x20'
                  - series: 'serverless_activator_ready_instances{function="default/split",revision="split-00002",instance="a"}'
                    values: '1x20'
                  - series: 'serverless_activator_ready_instances{function="default/split",revision="split-00002",instance="b"}'
                    values: '1x20'
                  - series: 'serverless_activator_queue_depth{function="default/split",revision="split-00001",instance="a"}'
                    values: '5x20'
                  - series: 'serverless_activator_queue_depth{function="default/split",revision="split-00002",instance="a"}'
                    values: '1x20'
                  - series: 'serverless_activator_queue_depth{function="default/split",revision="split-00001",instance="b"}'
                    values: '2x20'
                  - series: 'serverless_activator_queue_depth{function="default/split",revision="split-00002",instance="b"}'
                    values: '0x20'
                  - series: 'serverless_autoscaler_desired_replicas{function="default/split",revision="split-00001",instance="autoscaler"}'
                    values: '2x20'
                  - series: 'serverless_autoscaler_desired_replicas{function="default/split",revision="split-00002",instance="autoscaler"}'
                    values: '1x20'
                promql_expr_test:
                  - expr: dashboard:requests
                    eval_time: 10m
                    exp_samples:
                      - labels: 'dashboard:requests{function="default/split"}'
                        value: 4
                  - expr: dashboard:desired
                    eval_time: 10m
                    exp_samples:
                      - labels: 'dashboard:desired{function="default/split"}'
                        value: 3
                  - expr: dashboard:ready
                    eval_time: 10m
                    exp_samples:
                      - labels: 'dashboard:ready{function="default/split"}'
                        value: 3
                  - expr: dashboard:queued
                    eval_time: 10m
                    exp_samples:
                      - labels: 'dashboard:queued{function="default/split"}'
                        value: 8
                  - expr: dashboard:requests_by_revision
                    eval_time: 10m
                    exp_samples:
                      - labels: 'dashboard:requests_by_revision{function="default/split",revision="split-00001"}'
                        value: 1
                      - labels: 'dashboard:requests_by_revision{function="default/split",revision="split-00002"}'
                        value: 3
            """);

        var result = await Promtool.RunAsync(_work.Path, "test", "rules", "dashboard-split-test.yaml");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SUCCESS", result.StdOut, StringComparison.Ordinal);
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
            "Panic mode", "Queue depth", "Requests per revision", "Broker ingress", "Broker deliveries", "Broker dead letters", "Reconciles", "Reconcile errors",
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
        // revision: the content hash first, then the Revision's name wherever the pod has one (a relabeling whose regex
        // does not match, as (.+) on an absent label, leaves the target as it was), as the activator's series name it.
        Assert.Equal(
            [
                "__meta_kubernetes_pod_label_serverless_dev_function->function (.*)",
                "__meta_kubernetes_pod_label_serverless_dev_revision->revision (.*)",
                "__meta_kubernetes_pod_label_serverless_dev_revision_name->revision (.+)",
            ],
            endpoint["relabelings"]!.AsArray().Select(r => $"{r!["sourceLabels"]![0]}->{r["targetLabel"]} {(string?)r["regex"] ?? "(.*)"}"));
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
