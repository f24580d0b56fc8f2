using Microsoft.AspNetCore.Http;
using Serverless.Activator.Forwarding;
using Serverless.Backends.Kubernetes.Pools;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;

namespace Serverless.Platform.Kubernetes;

/// <summary>The activator's cold start from a warm pool: the <see cref="ColdStartGate"/>'s start, over a <see cref="PoolSpecializer"/>.</summary>
internal static class KubernetesPoolColdStart
{
    /// <summary>
    /// Specializes a pool pod for the function. Only a function that cannot be loaded answers the waiting requests
    /// (500, the runtime's load error): any other failure (no idle pod, an unreachable pod) lets them wait for the
    /// usual start, already requested.
    /// </summary>
    public static Func<FunctionKey, Task<ColdStartFailure?>> Start(ResourceInformer<Core.Api.Function> functions, PoolSpecializer specializer, CancellationToken stopping) =>
        async key =>
        {
            if (!functions.TryGet(key, out var function) || function is null)
            {
                return null;
            }

            var result = await specializer.SpecializeAsync(function, stopping).ConfigureAwait(false);
            return result.FunctionFailed
                ? new ColdStartFailure(StatusCodes.Status500InternalServerError, "The function cannot be loaded", $"Function {key}: {result.Detail}")
                : null;
        };
}
