using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Serverless.Core.Contracts;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Link;

/// <summary>
/// A backend of real instances for one function: each is a Kestrel server on 127.0.0.1 answering its own name. A
/// scale-down takes the instance out of the ready set first (as the supervisor and Kubernetes do), then waits for
/// <see cref="Drain"/> (the test holds it open to act mid-descent), then stops it.
/// </summary>
internal sealed class LoopbackBackend : IWorkloadScaler, IEndpointSource, IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly FunctionKey _key;
    private readonly List<(string Id, WebApplication App, InstanceEndpoint Endpoint)> _instances = [];
    private int _desired;
    private int _started;

    public LoopbackBackend(FunctionKey key) => _key = key;

    public event Action<FunctionKey>? EndpointsChanged;

    public event Action<FunctionKey>? StatusChanged;

    /// <summary>Awaited between taking an instance out of the ready set and stopping it.</summary>
    public Func<Task> Drain { get; set; } = () => Task.CompletedTask;

    public async Task ScaleAsync(FunctionKey key, int replicas, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _desired = replicas;
        }

        while (Count() < replicas)
        {
            var id = "instance-" + Interlocked.Increment(ref _started);
            var app = await LoopbackApp.StartAsync(instance => instance.Run(context => context.Response.WriteAsync(id)));
            var port = LoopbackApp.AddressOf(app).Port;
            lock (_gate)
            {
                _instances.Add((id, app, new InstanceEndpoint(id, "127.0.0.1", port, 0)));
            }

            Changed();
        }

        while (Count() > replicas)
        {
            (string Id, WebApplication App, InstanceEndpoint Endpoint) leaving;
            lock (_gate)
            {
                leaving = _instances[^1];
                _instances.RemoveAt(_instances.Count - 1);
            }

            Changed();
            await Drain();
            await leaving.App.StopAsync(CancellationToken.None);
            await leaving.App.DisposeAsync();
        }
    }

    public WorkloadStatus? GetStatus(FunctionKey key)
    {
        lock (_gate)
        {
            return key == _key ? new WorkloadStatus { Revision = "r1", DesiredReplicas = _desired, Replicas = _instances.Count, ReadyReplicas = _instances.Count } : null;
        }
    }

    public IReadOnlyList<InstanceEndpoint> GetReadyEndpoints(FunctionKey key)
    {
        lock (_gate)
        {
            return key == _key ? _instances.Select(i => i.Endpoint).ToList() : [];
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<WebApplication> apps;
        lock (_gate)
        {
            apps = _instances.Select(i => i.App).ToList();
            _instances.Clear();
        }

        foreach (var app in apps)
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
    }

    private int Count()
    {
        lock (_gate)
        {
            return _instances.Count;
        }
    }

    private void Changed()
    {
        EndpointsChanged?.Invoke(_key);
        StatusChanged?.Invoke(_key);
    }
}
