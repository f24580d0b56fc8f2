using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Hosting.Informers;

namespace Serverless.Backends.Kubernetes.Tests.Workloads;

/// <summary>Informers whose caches hold a fixed set of objects, for table tests of the workload manager and scaler.</summary>
internal static class CachedInformer
{
    /// <summary>An informer that listed <paramref name="items"/> and stopped: its cache keeps them, and no event follows.</summary>
    public static async Task<ResourceInformer<T>> OfAsync<T>(params T[] items) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var informer = new ResourceInformer<T>(new StaticListWatch<T>(items), null, TimeProvider.System, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);
        await informer.WaitForSyncAsync(CancellationToken.None);
        await stop.CancelAsync();
        await run;
        return informer;
    }
}
