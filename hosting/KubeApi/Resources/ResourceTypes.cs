namespace Serverless.Hosting.KubeApi.Resources;

/// <summary>The kinds registered by default: what the platform's Kubernetes code touches.</summary>
public static class ResourceTypes
{
    public static readonly ResourceType Namespaces = new("", "v1", "namespaces", "Namespace", Namespaced: false, HasStatus: true);
    public static readonly ResourceType ConfigMaps = new("", "v1", "configmaps", "ConfigMap", Namespaced: true);
    public static readonly ResourceType Services = new("", "v1", "services", "Service", Namespaced: true, HasStatus: true, ReturnDeletedObject: true);
    public static readonly ResourceType Pods = new("", "v1", "pods", "Pod", Namespaced: true, HasStatus: true, ReturnDeletedObject: true);
    public static readonly ResourceType Events = new("", "v1", "events", "Event", Namespaced: true);
    public static readonly ResourceType Secrets = new("", "v1", "secrets", "Secret", Namespaced: true);

    /// <summary>The double enforces the pod resources of each namespace's quotas at pod creation and keeps their status (warm pools size under them).</summary>
    public static readonly ResourceType ResourceQuotas = new("", "v1", "resourcequotas", "ResourceQuota", Namespaced: true, HasStatus: true);

    /// <summary>
    /// The double applies each namespace's LimitRanges to pods at creation, before the quotas, as the LimitRanger
    /// admission plugin does (defaults, then min/max/ratio); the controller reads them to size the warm pools.
    /// </summary>
    public static readonly ResourceType LimitRanges = new("", "v1", "limitranges", "LimitRange", Namespaced: true);

    public static readonly ResourceType Deployments = new(
        "apps", "v1", "deployments", "Deployment", Namespaced: true, HasStatus: true,
        Scale: new ScaleMapping(".spec.replicas", ".status.replicas", ".spec.selector"));

    /// <summary>The Deployment simulator keeps one per pod template of a Deployment, as the Deployment controller does.</summary>
    public static readonly ResourceType ReplicaSets = new(
        "apps", "v1", "replicasets", "ReplicaSet", Namespaced: true, HasStatus: true,
        Scale: new ScaleMapping(".spec.replicas", ".status.replicas", ".spec.selector"));

    /// <summary>Stored and watched as the real server does; no HPA controller runs here (a test plays it by writing status or scale).</summary>
    public static readonly ResourceType HorizontalPodAutoscalers = new(
        "autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", Namespaced: true, HasStatus: true);

    public static readonly ResourceType EndpointSlices = new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", Namespaced: true);
    public static readonly ResourceType Leases = new("coordination.k8s.io", "v1", "leases", "Lease", Namespaced: true);
    public static readonly ResourceType NetworkPolicies = new("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", Namespaced: true);

    /// <summary>
    /// Function's scale subresource as deploy/crds/functions.yaml declares it (spec <c>.spec.scale.minScale</c>,
    /// status <c>.status.replicas</c>); a test that needs another mapping registers its own <see cref="ResourceType"/>.
    /// </summary>
    public static readonly ResourceType Functions = new(
        "serverless.dev", "v1alpha1", "functions", "Function", Namespaced: true, HasStatus: true,
        Scale: new ScaleMapping(".spec.scale.minScale", ".status.replicas", LabelSelectorPath: null), AllowUnconditionalUpdate: false);

    public static readonly ResourceType Brokers = new("serverless.dev", "v1alpha1", "brokers", "Broker", Namespaced: true, HasStatus: true, AllowUnconditionalUpdate: false);
    public static readonly ResourceType Triggers = new("serverless.dev", "v1alpha1", "triggers", "Trigger", Namespaced: true, HasStatus: true, AllowUnconditionalUpdate: false);

    /// <summary>deploy/crds/revisions.yaml: cut, given status and collected by the controller (issue #17).</summary>
    public static readonly ResourceType Revisions = new("serverless.dev", "v1alpha1", "revisions", "Revision", Namespaced: true, HasStatus: true, AllowUnconditionalUpdate: false);

    public static IReadOnlyList<ResourceType> Defaults { get; } =
    [
        Namespaces, ConfigMaps, Secrets, ResourceQuotas, LimitRanges, Services, Pods, Events, Deployments, ReplicaSets, HorizontalPodAutoscalers, EndpointSlices, Leases, NetworkPolicies, Functions, Brokers, Triggers, Revisions,
    ];
}
