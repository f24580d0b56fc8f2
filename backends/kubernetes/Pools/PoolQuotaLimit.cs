namespace Serverless.Backends.Kubernetes.Pools;

/// <summary>
/// How many pool pods (of all runtimes together) one namespace's ResourceQuotas and LimitRanges leave room for, and why.
/// </summary>
/// <param name="MaxPods">The bound; null when no quota or LimitRange of the namespace bounds pool pods.</param>
/// <param name="Quota">What binds: the quota (the smallest bound), or <c>LimitRange NS/NAME</c> that refuses the pool's pods; or null.</param>
/// <param name="Resource">Its resource that binds (<c>pods</c>, <c>requests.cpu</c>, <c>cpu</c>, …), or null.</param>
/// <param name="Message">For people, with the figures: what the functions use, what is kept free, what is left; or what a LimitRange refuses and the option to set.</param>
/// <param name="Refused">True when the API server would refuse a pool pod whatever its number (the pool's pods lack a request the quota requires, the quota has no usage yet, or a LimitRange refuses them).</param>
/// <param name="Reason">The Event reason: <see cref="QuotaReason"/>, or <see cref="LimitRangeReason"/> for a LimitRange's refusal.</param>
internal sealed record PoolQuotaLimit(int? MaxPods, string? Quota, string? Resource, string Message, bool Refused = false, string Reason = PoolQuotaLimit.QuotaReason)
{
    public const string QuotaReason = "PoolQuotaLimited";

    public const string LimitRangeReason = "PoolLimitRangeRefused";

    public static readonly PoolQuotaLimit None = new(null, null, null, "");

    /// <summary>What an Event or a log line is about: the bound and its cause, not the figures, which move with every pod.</summary>
    public (int?, string?, string?, bool) Key => (MaxPods, Quota, Resource, Refused);
}
