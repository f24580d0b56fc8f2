namespace Serverless.Backends.Kubernetes.Pools;

/// <summary>
/// The labels of warm-pool Deployments and their pods. A pool pod is selected by <see cref="Pool"/>; claiming it
/// removes that label, so the pool's ReplicaSet no longer selects it, releases it and starts a replacement (the pool
/// refills itself), and the claim is recorded in <see cref="ClaimedFor"/>. Only after a successful specialization
/// does the pod get the function's labels (<c>app.kubernetes.io/managed-by</c>, <c>serverless.dev/function</c>), which
/// the function's Service selects: its EndpointSlices then list the pod and the activators route to it.
/// </summary>
internal static class PoolLabels
{
    /// <summary>On the pool Deployment, its selector and its idle pods: the runtime.</summary>
    public const string Pool = "serverless.dev/pool";

    /// <summary>On the pool Deployment: its part-of label (not managed-by=serverless, which the Function informers select).</summary>
    public const string PartOf = "app.kubernetes.io/part-of";
    public const string PartOfValue = "serverless";

    /// <summary>On a claimed pod: the function it was taken for (set with the claim, kept for its life).</summary>
    public const string ClaimedFor = "serverless.dev/claimed-for";

    /// <summary>On a claimed pod: the runtime of the pool it came from.</summary>
    public const string FromPool = "serverless.dev/from-pool";

    /// <summary>On a claimed pod: when it was claimed (round-trip "O" format), from which its retirement counts.</summary>
    public const string ClaimedAtAnnotation = "serverless.dev/claimed-at";

    /// <summary>Selects every claimed pod (specialized or on its way).</summary>
    public const string ClaimedSelector = ClaimedFor;

    /// <summary>On the pool Deployment: a hash of what the controller wants, so that drift is seen without comparing defaulted specs.</summary>
    public const string SpecHashAnnotation = "serverless.dev/pool-spec-hash";

    /// <summary>The pool Deployment's name in a namespace. The dot keeps it apart from every Function's Deployment (Function names are DNS labels).</summary>
    public static string DeploymentName(string runtime) => "serverless.pool-" + runtime;

    /// <summary>Selects every pool Deployment, and every idle pool pod.</summary>
    public const string AnyPoolSelector = Pool;

    /// <summary>Selects the idle pods of one runtime's pool.</summary>
    public static string IdleSelector(string runtime) => Pool + "=" + runtime;
}
