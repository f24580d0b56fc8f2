namespace Serverless.Backends.Kubernetes.Pools;

/// <summary>What a cold start got from the pool.</summary>
/// <param name="Outcome">Specialized, or why not.</param>
/// <param name="Pod">The pod specialized (or the one that failed), when there was one.</param>
/// <param name="Detail">For a failure: what went wrong, in words a client may read (no token, no artifact).</param>
public sealed record PoolSpecialization(PoolOutcome Outcome, string? Pod, string Detail)
{
    /// <summary>The function cannot be loaded (the runtime answered 422): its own pods would fail too.</summary>
    public bool FunctionFailed => Outcome == PoolOutcome.FunctionFailed;
}
