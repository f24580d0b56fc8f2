using k8s.Models;
using Serverless.Backends.Kubernetes.Resources;

namespace Serverless.Backends.Kubernetes.Pools;

/// <summary>
/// The NetworkPolicy beside the pools of one namespace: a pool pod's platform port (9091, where <c>/specialize</c> is)
/// admits only the activators (pods labelled as the serverless activator in the platform's namespace), so a function's
/// pod cannot even reach a sibling pool pod's <c>/specialize</c>; the signature (<see cref="PoolSigningKey"/>) holds
/// where the cluster's network plugin does not enforce NetworkPolicies. Pure.
/// </summary>
/// <remarks>
/// It selects every pod that came from a pool (<see cref="PoolLabels.FromPool"/>, in the template and kept by the claim),
/// not only the idle ones, so a claimed pod stays closed between its claim and its specialization. The function port
/// (8080) stays open to all, as on a function's own pods: a specialized pod serves the function until it is retired.
/// Prometheus cannot scrape pool pods' 9091 (the pool's figure, <c>serverless_pool_idle</c>, is the controller's).
/// Kubelet probes are not affected: NetworkPolicies always allow traffic from the pod's own node.
/// </remarks>
internal static class PoolNetworkPolicyBuilder
{
    public const string Name = "serverless.pool";

    /// <summary>On the policy: so that the controller lists its own policies only.</summary>
    public const string PolicyLabel = "serverless.dev/pool-network";

    public static V1NetworkPolicy Build(string @namespace, string platformNamespace) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "NetworkPolicy",
        Metadata = new V1ObjectMeta
        {
            Name = Name,
            NamespaceProperty = @namespace,
            Labels = new Dictionary<string, string>(StringComparer.Ordinal) { [PoolLabels.PartOf] = PoolLabels.PartOfValue, [PolicyLabel] = "true" },
        },
        Spec = new V1NetworkPolicySpec
        {
            PodSelector = new V1LabelSelector
            {
                MatchExpressions = [new V1LabelSelectorRequirement { Key = PoolLabels.FromPool, OperatorProperty = "Exists" }],
            },
            PolicyTypes = ["Ingress"],
            Ingress =
            [
                new V1NetworkPolicyIngressRule
                {
                    FromProperty =
                    [
                        new V1NetworkPolicyPeer
                        {
                            NamespaceSelector = new V1LabelSelector
                            {
                                MatchLabels = new Dictionary<string, string>(StringComparer.Ordinal) { ["kubernetes.io/metadata.name"] = platformNamespace },
                            },
                            PodSelector = new V1LabelSelector
                            {
                                MatchLabels = new Dictionary<string, string>(StringComparer.Ordinal)
                                {
                                    ["app.kubernetes.io/name"] = "serverless",
                                    ["app.kubernetes.io/component"] = "activator",
                                },
                            },
                        },
                    ],
                    Ports = [new V1NetworkPolicyPort { Protocol = "TCP", Port = DeploymentBuilder.PlatformPort }],
                },
                new V1NetworkPolicyIngressRule
                {
                    Ports = [new V1NetworkPolicyPort { Protocol = "TCP", Port = DeploymentBuilder.ContainerPort }],
                },
            ],
        },
    };

    /// <summary>
    /// Whether a live policy still says what <see cref="Build"/> says. Compared as JSON trees, not text: the API server
    /// returns maps (matchLabels) with their keys sorted, whatever order they were sent in, and a text comparison would
    /// see drift, and replace the policy, on every pass.
    /// </summary>
    public static bool Matches(V1NetworkPolicy live, V1NetworkPolicy wanted) =>
        System.Text.Json.Nodes.JsonNode.DeepEquals(
            System.Text.Json.Nodes.JsonNode.Parse(k8s.KubernetesJson.Serialize(live.Spec)),
            System.Text.Json.Nodes.JsonNode.Parse(k8s.KubernetesJson.Serialize(wanted.Spec)));
}
