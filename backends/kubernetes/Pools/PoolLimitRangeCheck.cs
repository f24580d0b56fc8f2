using k8s.Models;

namespace Serverless.Backends.Kubernetes.Pools;

/// <summary>What a namespace's LimitRanges make of the pool pods (<see cref="PoolLimitRanges.Apply"/>).</summary>
/// <param name="Effective">The pool pod spec as the quota admission would see it: the pool options' requests and limits, filled from the LimitRanges' Container defaults where the options leave them unset.</param>
/// <param name="Refusal">When a LimitRange would refuse the pool pods (or make them invalid): a bound of 0 pods that names it and the option to set; null otherwise.</param>
internal sealed record PoolLimitRangeCheck(V1PodSpec Effective, PoolQuotaLimit? Refusal);
