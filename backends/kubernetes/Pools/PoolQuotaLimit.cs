namespace Serverless.Backends.Kubernetes.Pools;

/// <summary>
/// How many pool pods (of all runtimes together) one namespace's ResourceQuotas leave room for, and why.
/// </summary>
/// <param name="MaxPods">The bound; null when no quota of the namespace bounds pool pods.</param>
/// <param name="Quota">The quota that binds (the smallest bound), or null.</param>
/// <param name="Resource">Its resource that binds (<c>pods</c>, <c>requests.cpu</c>, …), or null.</param>
/// <param name="Message">For people, with the figures: what the functions use, what is kept free, what is left.</param>
/// <param name="Refused">True when the API server would refuse a pool pod whatever its number (the pool's pods lack a request the quota requires, or the quota has no usage yet).</param>
internal sealed record PoolQuotaLimit(int? MaxPods, string? Quota, string? Resource, string Message, bool Refused = false)
{
    public static readonly PoolQuotaLimit None = new(null, null, null, "");

    /// <summary>What an Event or a log line is about: the bound and its cause, not the figures, which move with every pod.</summary>
    public (int?, string?, string?, bool) Key => (MaxPods, Quota, Resource, Refused);
}
