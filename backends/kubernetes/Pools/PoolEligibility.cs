using Serverless.Core.Workloads;

namespace Serverless.Backends.Kubernetes.Pools;

/// <summary>Which Functions a warm pool may serve. Pure.</summary>
internal static class PoolEligibility
{
    /// <summary>
    /// Null when a cold start of <paramref name="function"/> may specialize a pool pod, else why not. A pool pod runs
    /// the runtime's image with the pool's resources and the function's code from its artifact ConfigMap, so a
    /// Function with its own image or resources, a traffic split (its revisions are not all the latest), an env variable
    /// its runtime reads only at start (<see cref="StartupVariables"/>: a pool pod started before the function was
    /// known) or the <c>serverless.dev/pool: "false"</c> annotation starts its own pods, as without a pool.
    /// </summary>
    public static string? WhyNot(Core.Api.Function function, KubernetesPoolOptions options)
    {
        var spec = function.Spec;
        if (function.Metadata.DeletionTimestamp is not null)
        {
            return "the Function is being deleted";
        }

        if (options.SizeOf(spec.Runtime ?? "") <= 0)
        {
            return $"no pool for runtime \"{spec.Runtime}\" (pool-size-{spec.Runtime} is 0)";
        }

        if (spec.Image is not null || spec.Source?.ConfigMap is null)
        {
            return "the Function has no artifact ConfigMap (spec.image or no spec.source.configMap)";
        }

        if (spec.Resources is not null)
        {
            return "the Function sets spec.resources, which a pool pod does not have";
        }

        if (spec.Traffic is { Count: > 0 })
        {
            return "the Function splits traffic between revisions";
        }

        var runtime = spec.Runtime ?? "";
        if (StartupVariables.FirstIn(runtime, (spec.Env ?? []).Select(variable => variable.Name)) is { } startup)
        {
            return StartupVariables.Reason(runtime, startup);
        }

        return WorkloadSpecBuilder.Build(function).UsePool ? null : $"the Function opts out ({WorkloadSpecBuilder.PoolAnnotation}: \"false\")";
    }
}
