namespace Serverless.Backends.Kubernetes.Pools;

public enum PoolOutcome
{
    /// <summary>A pool pod serves the function now (relabelled into its Service).</summary>
    Specialized,

    /// <summary>The function may not use a pool (see <see cref="PoolEligibility"/>).</summary>
    NotEligible,

    /// <summary>No ready idle pod (all claimed, or the pool is still starting): the cold start takes the usual way.</summary>
    NoIdlePod,

    /// <summary>The runtime refused the function (422): the pod was deleted.</summary>
    FunctionFailed,

    /// <summary>The pool pod could not be specialized (unreachable, timeout, another answer): the pod was deleted.</summary>
    PodFailed,
}
