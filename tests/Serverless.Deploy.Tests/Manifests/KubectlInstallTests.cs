using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Serverless.Deploy.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Deploy.Tests.Manifests;

/// <summary>
/// The README's install commands, checked offline with the real kubectl (its built-in kustomize). Only
/// <c>kubectl apply -f deploy/install.yaml</c>, <c>kubectl apply -k deploy/</c> and <c>kubectl apply -k
/// deploy/monitoring/</c> are offered: a recursive apply of deploy/ (<c>-R -f</c>) would also read the
/// kustomization files, install.yaml a second time and the ServiceMonitor, so the README does not suggest it.
/// </summary>
public sealed partial class KubectlInstallTests
{
    private static readonly string[] DocumentedApplies =
    [
        "kubectl apply -f deploy/install.yaml",
        "kubectl apply -k deploy/",
        "kubectl apply -k deploy/monitoring/",
        "kubectl apply -f -", // scripts/gen-install --stdout with another registry (InstallYamlTests)
    ];

    [Fact]
    public async Task Kustomize_Deploy_RendersExactlyTheObjectsOfInstallYaml()
    {
        var rendered = await KustomizeAsync("deploy");
        var install = YamlToJson.LoadAll(File.ReadAllText(DeployFiles.Install)).ToDictionary(Key);

        Assert.Equal(install.Keys.Order(StringComparer.Ordinal), rendered.Keys.Order(StringComparer.Ordinal));
        Assert.All(install, entry => Assert.True(JsonNode.DeepEquals(entry.Value, rendered[entry.Key]), $"{entry.Key} differs between install.yaml and kustomize"));
    }

    [Fact]
    public async Task Kustomize_Monitoring_RendersMonitorsRulesAndTheDashboard()
    {
        var rendered = await KustomizeAsync("deploy/monitoring");

        Assert.Equal(
            [
                "monitoring.coreos.com/v1/PodMonitor/serverless-system/serverless-functions",
                "monitoring.coreos.com/v1/PrometheusRule/serverless-system/serverless",
                "monitoring.coreos.com/v1/ServiceMonitor/serverless-system/serverless",
                "v1/ConfigMap/serverless-system/serverless-grafana-dashboard",
            ],
            rendered.Keys.Order(StringComparer.Ordinal));
        var dashboard = rendered["v1/ConfigMap/serverless-system/serverless-grafana-dashboard"]!;
        Assert.Equal("1", (string?)dashboard["metadata"]!["labels"]!["grafana_dashboard"]);
        Assert.Equal(
            File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "monitoring", "grafana-dashboard.json")),
            (string?)dashboard["data"]!["grafana-dashboard.json"]);
    }

    [Fact]
    public void Readme_KubernetesInstall_NamesOnlyTheCommandsTestedHere()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var section = readme[readme.IndexOf("## Kubernetes mode", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];

        var applies = KubectlApply().Matches(section).Select(m => m.Value.TrimEnd()).Distinct().ToArray();

        Assert.Equal(DocumentedApplies.Order(StringComparer.Ordinal), applies.Order(StringComparer.Ordinal));
    }

    private static async Task<Dictionary<string, JsonObject>> KustomizeAsync(string directory)
    {
        var result = await ProcessRunner.RunAsync("kubectl", ["kustomize", Path.Combine(RepoPaths.Root, directory)], timeout: TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, result.ToString());
        return YamlToJson.LoadAll(result.StdOut).ToDictionary(Key);
    }

    private static string Key(JsonObject document) =>
        $"{document["apiVersion"]}/{document["kind"]}/{document["metadata"]!["namespace"] ?? ""}/{document["metadata"]!["name"]}"
            .Replace("//", "/", StringComparison.Ordinal);

    [GeneratedRegex(@"kubectl apply [^\n#`|]*")]
    private static partial Regex KubectlApply();
}
