namespace Serverless.Backends.Kubernetes.Pools;

/// <summary>
/// Warm pools on Kubernetes: <c>pool-size-{runtime}</c> generic pods per runtime in each namespace that has Functions
/// of that runtime; 0 (the default) turns that runtime's pool off.
/// </summary>
public sealed class KubernetesPoolOptions
{
    /// <summary>The largest pool-size accepted: a pool is a few warm pods, not a capacity reservation.</summary>
    public const int MaxSize = 100;

    /// <summary>Where the runtime unpacks the artifact at specialization: a writable emptyDir in the pool pod.</summary>
    public const string FunctionPath = "/function";

    /// <summary>
    /// The runtimes whose generic mode can take a function's artifact with the specialization (a pool pod has no other
    /// way to get the code) and checks the platform's signature: all three.
    /// </summary>
    public static readonly IReadOnlyList<string> SupportedRuntimes = [Core.Api.RuntimeNames.Dotnet, Core.Api.RuntimeNames.Node, Core.Api.RuntimeNames.Python];

    /// <summary>
    /// The platform's namespace (<c>POD_NAMESPACE</c>, default <c>serverless-system</c>): where the pool signing key's
    /// Secret is, and where the activators that may reach a pool pod's platform port run.
    /// </summary>
    public string PlatformNamespace { get; init; } = "serverless-system";

    /// <summary>The default of <see cref="MaxPods"/>.</summary>
    public const int DefaultMaxPods = 100;

    /// <summary>The largest <see cref="MaxPods"/> accepted.</summary>
    public const int MaxMaxPods = 10_000;

    /// <summary>
    /// <c>pool-max-pods</c>: idle pool pods of all namespaces and runtimes together, 1..10000, default 100. The controller
    /// sizes the pools under it (<see cref="PoolSizing"/>); a claimed pod has left its pool and counts as its
    /// function's instance from then on.
    /// </summary>
    public int MaxPods { get; init; } = DefaultMaxPods;

    /// <summary>The default of <see cref="QuotaReservePercent"/>.</summary>
    public const int DefaultQuotaReservePercent = 20;

    /// <summary>The largest <see cref="QuotaReservePercent"/> accepted.</summary>
    public const int MaxQuotaReservePercent = 90;

    /// <summary>
    /// <c>pool-requests-{cpu,memory}</c> and <c>pool-limits-{cpu,memory}</c>: the pool pods' container resources; null
    /// (the default) gives them none, and then a namespace whose ResourceQuota constrains cpu or memory gets no pool
    /// (the API server would refuse its pods).
    /// </summary>
    public k8s.Models.V1ResourceRequirements? Resources { get; init; }

    /// <summary>
    /// <c>pool-quota-reserve</c>: the percentage of each ResourceQuota resource that pool pods never take, 0..90, default
    /// 20 (<see cref="PoolQuotaBudget"/>).
    /// </summary>
    public int QuotaReservePercent { get; init; } = DefaultQuotaReservePercent;

    public IReadOnlyDictionary<string, int> Sizes { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    public int SizeOf(string runtime) => Sizes.TryGetValue(runtime, out var size) ? size : 0;

    public bool Enabled => Sizes.Values.Any(size => size > 0);
}
