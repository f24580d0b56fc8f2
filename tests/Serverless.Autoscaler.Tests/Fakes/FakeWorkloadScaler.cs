using Serverless.Core.Contracts;

namespace Serverless.Autoscaler.Tests.Fakes;

/// <summary>
/// A workload scaler whose instances turn ready the moment they are asked for. <see cref="BeforeScale"/> can hold
/// a scale call (a drain that takes time) so a test can act while it is in progress.
/// </summary>
internal class FakeWorkloadScaler : IWorkloadScaler
{
    private readonly object _gate = new();
    private readonly Dictionary<FunctionKey, WorkloadStatus> _status = [];
    private readonly List<(FunctionKey Key, int Replicas)> _scaleCalls = [];

    public event Action<FunctionKey>? StatusChanged;

    /// <summary>Awaited at the start of every scale call, with the replicas asked for.</summary>
    public Func<int, Task>? BeforeScale { get; set; }

    public IReadOnlyList<(FunctionKey Key, int Replicas)> ScaleCalls
    {
        get
        {
            lock (_gate)
            {
                return [.. _scaleCalls];
            }
        }
    }

    public void Set(FunctionKey key, int replicas)
    {
        lock (_gate)
        {
            _status[key] = new WorkloadStatus { Revision = "r1", DesiredReplicas = replicas, Replicas = replicas, ReadyReplicas = replicas };
        }

        StatusChanged?.Invoke(key);
    }

    /// <summary>The workload goes (the controller deleted it).</summary>
    public void Remove(FunctionKey key)
    {
        lock (_gate)
        {
            _status.Remove(key);
        }

        StatusChanged?.Invoke(key);
    }

    public async Task ScaleAsync(FunctionKey key, int replicas, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _scaleCalls.Add((key, replicas));
        }

        if (BeforeScale is { } hold)
        {
            await hold(replicas);
        }

        Set(key, replicas);
    }

    public WorkloadStatus? GetStatus(FunctionKey key)
    {
        lock (_gate)
        {
            return _status.GetValueOrDefault(key);
        }
    }
}
