using Serverless.Core.Contracts;
using Serverless.Platform.Stats;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Stats;

public sealed class ColdStartCounterTests
{
    private static readonly FunctionKey Hello = new("default", "hello");

    [Fact]
    public void RequestScaleFromZero_BurstThenReadyThenAgain_CountsTwoAndForwardsEveryCall()
    {
        var time = new ManualTimeProvider();
        var inner = new RecordingRequester();
        var backend = new StubBackend();
        using var counter = new ColdStartCounter(inner, backend, time);

        counter.RequestScaleFromZero(Hello);
        counter.RequestScaleFromZero(Hello);
        backend.SetReady(Hello, 1);
        backend.SetReady(Hello, 0);
        time.Advance(TimeSpan.FromSeconds(30));
        counter.RequestScaleFromZero(Hello);

        Assert.Equal(3, inner.Calls);
        Assert.Equal(2, counter.LastMinute(Hello));
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(1, counter.LastMinute(Hello));
        Assert.Equal(0, counter.LastMinute(new FunctionKey("default", "other")));
    }

    private sealed class RecordingRequester : IScaleRequester
    {
        public int Calls { get; private set; }

        public void RequestScaleFromZero(FunctionKey key) => Calls++;
    }

    private sealed class StubBackend : IWorkloadManager
    {
        private readonly Dictionary<FunctionKey, WorkloadStatus> _statuses = [];

        public event Action<FunctionKey>? StatusChanged;

        public void SetReady(FunctionKey key, int ready)
        {
            _statuses[key] = new WorkloadStatus { Revision = "r1", DesiredReplicas = ready, Replicas = ready, ReadyReplicas = ready };
            StatusChanged?.Invoke(key);
        }

        public WorkloadStatus? GetStatus(FunctionKey key) => _statuses.GetValueOrDefault(key);

        public Task EnsureAsync(WorkloadSpec spec, int replicasIfCreated, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task DeleteAsync(FunctionKey key, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
