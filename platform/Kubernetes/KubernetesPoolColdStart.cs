using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Prometheus;
using Serverless.Activator.Forwarding;
using Serverless.Backends.Kubernetes.Pools;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;

namespace Serverless.Platform.Kubernetes;

/// <summary>The activator's cold start from a warm pool: the <see cref="ColdStartGate"/>'s start, over a <see cref="PoolSpecializer"/>.</summary>
internal static class KubernetesPoolColdStart
{
    /// <summary>
    /// <c>serverless_pool_specialization_duration_seconds{runtime,outcome}</c>, local mode's name: here the activator's
    /// whole specialization of a pool pod (claim, artifact, <c>POST /specialize</c>, labels), outcome ok or failed.
    /// </summary>
    public static Histogram Durations(CollectorRegistry registry) => Metrics.WithCustomRegistry(registry).CreateHistogram(
        "serverless_pool_specialization_duration_seconds",
        "Time from claiming a pool pod to its specialization's outcome (claim, artifact, POST /specialize, labels), per runtime and outcome (ok, failed)",
        new HistogramConfiguration
        {
            LabelNames = ["runtime", "outcome"],
            Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        });

    /// <summary>
    /// Specializes a pool pod for the function, into the workload the request waits on: the revision's (its Service
    /// selects it by the revision's labels), or an older layout's Function-keyed one. Only a function that cannot be
    /// loaded answers the waiting requests (500, the runtime's load error): any other failure (no idle pod, an
    /// unreachable pod) lets them wait for the usual start, already requested.
    /// </summary>
    public static Func<FunctionKey, FunctionKey, Task<ColdStartFailure?>> Start(
        ResourceInformer<Core.Api.Function> functions, PoolSpecializer specializer, Histogram durations, CancellationToken stopping) =>
        async (key, workload) =>
        {
            if (!functions.TryGet(key, out var function) || function is null)
            {
                return null;
            }

            var started = Stopwatch.GetTimestamp();
            var result = await specializer.SpecializeAsync(function, workload == key ? null : workload.Name, stopping).ConfigureAwait(false);
            if (result.Outcome is PoolOutcome.Specialized or PoolOutcome.FunctionFailed or PoolOutcome.PodFailed)
            {
                durations.WithLabels(function.Spec.Runtime ?? "", result.Outcome == PoolOutcome.Specialized ? "ok" : "failed")
                    .Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
            }

            return result.FunctionFailed
                ? new ColdStartFailure(StatusCodes.Status500InternalServerError, "The function cannot be loaded", $"Function {key}: {result.Detail}")
                : null;
        };
}
