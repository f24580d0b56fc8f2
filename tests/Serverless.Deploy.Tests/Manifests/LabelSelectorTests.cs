using System.Text.Json.Nodes;
using k8s.Models;
using Serverless.Deploy.Tests.Support;

namespace Serverless.Deploy.Tests.Manifests;

/// <summary>Deployments, Services, the PodDisruptionBudgets and the ServiceMonitor select what they mean to.</summary>
public sealed class LabelSelectorTests
{
    private static readonly V1Deployment[] Deployments = TypedManifests.OfType<V1Deployment>().ToArray();

    private static readonly V1Service[] Services = TypedManifests.OfType<V1Service>().ToArray();

    private static bool Selects(IDictionary<string, string> selector, IDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(kv => labels.TryGetValue(kv.Key, out var value) && value == kv.Value);

    [Fact]
    public void Deployment_Selector_MatchesItsOwnPodTemplate()
    {
        Assert.All(Deployments, d => Assert.True(
            Selects(d.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels), d.Metadata.Name + ": selector does not match its pods"));
    }

    [Fact]
    public void Deployment_Selectors_DoNotOverlap()
    {
        foreach (var d in Deployments)
        {
            var selected = Deployments.Where(other => Selects(d.Spec.Selector.MatchLabels, other.Spec.Template.Metadata.Labels));
            Assert.Equal([d.Metadata.Name], selected.Select(s => s.Metadata.Name));
        }
    }

    [Theory]
    [InlineData("activator", "activator", "http", 80, 8080)]
    [InlineData("activator", "activator", "metrics", 9090, 9090)]
    [InlineData("autoscaler", "autoscaler", "stats", 8080, 8080)]
    [InlineData("autoscaler", "autoscaler", "metrics", 9090, 9090)]
    [InlineData("controller-metrics", "controller", "metrics", 9090, 9090)]
    [InlineData("broker-ingress", "broker", "http", 80, 8080)]
    [InlineData("broker-ingress", "broker", "metrics", 9090, 9090)]
    public void Service_Port_ReachesTheContainerPortOfTheContract(string service, string deployment, string portName, int port, int containerPort)
    {
        var svc = Assert.Single(Services, s => s.Metadata.Name == service);
        var pods = Assert.Single(Deployments, d => Selects(svc.Spec.Selector, d.Spec.Template.Metadata.Labels));
        var servicePort = Assert.Single(svc.Spec.Ports, p => p.Name == portName);
        var container = Assert.Single(pods.Spec.Template.Spec.Containers);

        Assert.Equal(deployment, pods.Metadata.Name);
        Assert.Equal(port, servicePort.Port);
        var target = servicePort.TargetPort.Value;
        var resolved = int.TryParse(target, out var number) ? number : Assert.Single(container.Ports, p => p.Name == target).ContainerPort;
        Assert.Equal(containerPort, resolved);
        Assert.Equal("serverless-system", svc.Metadata.NamespaceProperty);
    }

    [Theory]
    [InlineData("activator")]
    [InlineData("broker")]
    public void PodDisruptionBudget_Selector_CoversItsComponentOnlyAndLeavesOneToEvict(string component)
    {
        var pdb = Assert.Single(TypedManifests.OfType<V1PodDisruptionBudget>(), p => p.Metadata.Name == component);
        var selected = Deployments.Where(d => Selects(pdb.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels)).ToArray();

        var deployment = Assert.Single(selected);
        Assert.Equal(component, deployment.Metadata.Name);
        Assert.True(pdb.Spec.MinAvailable.Value is { } min && int.Parse(min, System.Globalization.CultureInfo.InvariantCulture) < deployment.Spec.Replicas,
            $"minAvailable must stay below the replica count, or a node drain could never evict a {component} pod");
    }

    [Fact]
    public void ServiceMonitor_Selects_TheMetricsPortOfEveryComponentService()
    {
        var monitor = Assert.Single(DeployFiles.OfKind("ServiceMonitor")).Node["spec"]!;
        var matchLabels = monitor["selector"]!["matchLabels"]!.AsObject().ToDictionary(kv => kv.Key, kv => (string)kv.Value!);
        var expressions = monitor["selector"]!["matchExpressions"]!.AsArray();
        var port = (string)monitor["endpoints"]![0]!["port"]!;

        bool MatchesExpressions(IDictionary<string, string> labels) => expressions.All(e =>
            (string)e!["operator"]! == "In"
            && labels.TryGetValue((string)e["key"]!, out var value)
            && e["values"]!.AsArray().Any(v => (string)v! == value));

        var selected = Services.Where(s => Selects(matchLabels, s.Metadata.Labels) && MatchesExpressions(s.Metadata.Labels)).Select(s => s.Metadata.Name);

        Assert.Equal(["activator", "autoscaler", "controller-metrics"], selected.Order(StringComparer.Ordinal));
        Assert.All(Services, s => Assert.Contains(s.Spec.Ports, p => p.Name == port));
        Assert.Equal(["serverless-system"], monitor["namespaceSelector"]!["matchNames"]!.AsArray().Select(n => (string)n!));
    }

    [Fact]
    public void Namespaced_EveryObject_LivesInServerlessSystem()
    {
        var clusterScoped = new HashSet<string>(["Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding"]);

        Assert.All(DeployFiles.Documents.Where(d => !clusterScoped.Contains(d.Kind)), d => Assert.Equal("serverless-system", d.Namespace));
        Assert.All(DeployFiles.Documents.Where(d => clusterScoped.Contains(d.Kind)), d => Assert.Null(d.Node["metadata"]!["namespace"]));
    }
}
