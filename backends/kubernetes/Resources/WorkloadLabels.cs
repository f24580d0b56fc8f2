namespace Serverless.Backends.Kubernetes.Resources;

/// <summary>The labels and annotations of everything the controller creates for a Function (the contract of issue #7).</summary>
internal static class WorkloadLabels
{
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "serverless";
    public const string Function = "serverless.dev/function";
    public const string Revision = "serverless.dev/revision";

    /// <summary>The ReplicaSet controller removes pods with the lowest cost first when a Deployment scales down.</summary>
    public const string PodDeletionCost = "controller.kubernetes.io/pod-deletion-cost";

    /// <summary>Set by the EndpointSlice controller on every slice of a Service.</summary>
    public const string ServiceName = "kubernetes.io/service-name";

    /// <summary>Selects every Deployment and Service the controller manages.</summary>
    public const string ManagedSelector = ManagedBy + "=" + ManagedByValue;

    /// <summary>The labels of a function's Deployment and Service.</summary>
    public static Dictionary<string, string> For(string function) => new(StringComparer.Ordinal)
    {
        [ManagedBy] = ManagedByValue,
        [Function] = function,
    };

    /// <summary>Selects a function's pods (any revision).</summary>
    public static string PodSelector(string function) => ManagedSelector + "," + Function + "=" + function;
}
