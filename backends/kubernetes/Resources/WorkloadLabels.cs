namespace Serverless.Backends.Kubernetes.Resources;

/// <summary>The labels and annotations of everything the controller creates for a Function (the contract of issue #7).</summary>
internal static class WorkloadLabels
{
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "serverless";
    public const string Function = "serverless.dev/function";
    public const string Revision = "serverless.dev/revision";

    /// <summary>
    /// The Revision's name (<c>hello-00002</c>) on the pods that run it, as Knative's <c>serving.knative.dev/revision</c>;
    /// <see cref="Revision"/> keeps the content hash, which the status and <c>K_REVISION</c> have always carried.
    /// </summary>
    public const string RevisionName = "serverless.dev/revision-name";

    /// <summary>The ReplicaSet controller removes pods with the lowest cost first when a Deployment scales down.</summary>
    public const string PodDeletionCost = "controller.kubernetes.io/pod-deletion-cost";

    /// <summary>Set by the EndpointSlice controller on every slice of a Service.</summary>
    public const string ServiceName = "kubernetes.io/service-name";

    /// <summary>Selects every Deployment and Service the controller manages.</summary>
    public const string ManagedSelector = ManagedBy + "=" + ManagedByValue;

    /// <summary>The labels of an older install's Function-owned Deployment and Service (and of a pool pod bridging for one).</summary>
    public static Dictionary<string, string> For(string function) => new(StringComparer.Ordinal)
    {
        [ManagedBy] = ManagedByValue,
        [Function] = function,
    };

    /// <summary>The labels of a revision's Deployment, Service and HorizontalPodAutoscaler (the objects, not the pods).</summary>
    public static Dictionary<string, string> ForRevision(string function, string revision) => new(StringComparer.Ordinal)
    {
        [ManagedBy] = ManagedByValue,
        [Function] = function,
        [RevisionName] = revision,
    };

    /// <summary>
    /// The selector of a revision's Deployment and Service, and its pods' labels. Without <see cref="ManagedBy"/> on
    /// purpose: an older install's Function-owned Deployment and Service select <c>{managed-by, function}</c> (a
    /// Deployment's selector is immutable, so it cannot learn to leave them out), and while it still serves (the
    /// upgrade's bridge) a revision's pods that matched it would count as its endpoints and skew the split.
    /// </summary>
    public static Dictionary<string, string> RevisionSelector(string function, string revision) => new(StringComparer.Ordinal)
    {
        [Function] = function,
        [RevisionName] = revision,
    };

    /// <summary>Selects a function's pods (any revision).</summary>
    public static string PodSelector(string function) => ManagedSelector + "," + Function + "=" + function;
}
