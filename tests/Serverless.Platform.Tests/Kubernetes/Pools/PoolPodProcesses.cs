using System.Collections.Concurrent;
using k8s.Models;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Kubernetes.Pools;

/// <summary>
/// The stand-in processes of pool pods: each pod gets its own generic runtime, started with that pod's uid and key on
/// first contact (as each pod has its own container from its start), and a function directory of its own (its
/// emptyDir). First contact blocks the specializer's address lookup while the process starts: a test helper only.
/// </summary>
internal sealed class PoolPodProcesses(Func<V1Pod, Task<RuntimeInstance>> start) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<(RuntimeInstance Runtime, TempDirectory Dir)>> _pods = new(StringComparer.Ordinal);

    public (RuntimeInstance Runtime, string Dir) For(V1Pod pod)
    {
        var process = _pods.GetOrAdd(
            pod.Metadata.Name,
            _ => new Lazy<(RuntimeInstance, TempDirectory)>(() => (start(pod).GetAwaiter().GetResult(), new TempDirectory("pool-pod")), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
        return (process.Runtime, process.Dir.Path);
    }

    public (RuntimeInstance Runtime, string Dir) this[string podName] => (_pods[podName].Value.Runtime, _pods[podName].Value.Dir.Path);

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _pods.Values.Where(p => p.IsValueCreated).Select(p => p.Value))
        {
            await process.Runtime.DisposeAsync();
            process.Dir.Dispose();
        }
    }
}
