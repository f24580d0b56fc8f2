using k8s.Models;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;

namespace Serverless.Backends.Kubernetes.Workloads;

/// <summary>Cache reads shared by the workload manager and scaler.</summary>
internal static class InformerCache
{
    /// <summary>The cached object (shared: do not mutate it), or null when the cache does not hold it.</summary>
    public static T? Cached<T>(this ResourceInformer<T> informer, FunctionKey key) where T : class, k8s.IKubernetesObject<V1ObjectMeta> =>
        informer.TryGet(key, out var value) ? value : null;
}
