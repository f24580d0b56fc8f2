using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;

namespace Serverless.Backends.Kubernetes.Tests.Workloads;

/// <summary>
/// The controller reads its own create and status-write answers before the watch brings them (issue #17's extra pass per
/// revision), and the cache never gets an older view back through them.
/// </summary>
public sealed class WrittenObjectsTests : IAsyncDisposable
{
    private static readonly FunctionKey Key = new("team-a", "hello-00001");
    private readonly CancellationTokenSource _stop = new();
    private readonly ChannelListWatch<V1ConfigMap> _source;
    private readonly ResourceInformer<V1ConfigMap> _informer;
    private readonly Task _run;

    public WrittenObjectsTests()
    {
        // The object an older incarnation of the name left in the cache: uid "old", version 5.
        _source = new ChannelListWatch<V1ConfigMap>(Object("old", "5", "before"));
        _informer = new ResourceInformer<V1ConfigMap>(_source, null, TimeProvider.System, NullLogger.Instance);
        _run = _informer.RunAsync(_stop.Token);
    }

    [Fact]
    public async Task Get_CreatedWhileTheCacheHoldsAnOlderObjectOfTheName_OursUntilTheWatchBringsIt()
    {
        var view = await ViewAsync();
        view.Remember(Object("new", "10", "created"));
        Assert.Equal("created", Mark(view.Get(Key)));

        // Events from before our create (the old object's last change, its deletion) do not bring the older view back.
        await SendAsync(WatchEventType.Modified, Object("old", "7", "old-changed"));
        Assert.Equal("created", Mark(view.Get(Key)));
        await SendAsync(WatchEventType.Deleted, Object("old", "8", "old-changed"));
        Assert.Equal("created", Mark(view.Get(Key)));
        Assert.Equal(["created"], view.List().Select(Mark));

        // The watch brings ours: the cache is as new, and a later change of someone else's is what is read then.
        await SendAsync(WatchEventType.Added, Object("new", "10", "created"));
        await SendAsync(WatchEventType.Modified, Object("new", "12", "edited"));
        Assert.Equal("edited", Mark(view.Get(Key)));
    }

    [Fact]
    public async Task Get_StatusWrittenThenAnEarlierEventOfTheSameObject_OursKept()
    {
        await SendAsync(WatchEventType.Added, Object("new", "10", "created"));
        var view = await ViewAsync();
        view.Remember(Object("new", "11", "status-written"));

        await SendAsync(WatchEventType.Modified, Object("new", "10", "created")); // a relist's view from before our write
        Assert.Equal("status-written", Mark(view.Get(Key)));

        await SendAsync(WatchEventType.Modified, Object("new", "11", "status-written"));
        await SendAsync(WatchEventType.Modified, Object("new", "13", "someone-else"));
        Assert.Equal("someone-else", Mark(view.Get(Key)));
    }

    [Fact]
    public async Task Remember_OlderThanTheCache_Ignored()
    {
        await SendAsync(WatchEventType.Added, Object("new", "20", "cached"));
        var view = await ViewAsync();

        view.Remember(Object("new", "15", "late-answer"));

        Assert.Equal("cached", Mark(view.Get(Key)));
    }

    [Fact]
    public async Task Get_OursDeleted_Gone()
    {
        var view = await ViewAsync();
        view.Remember(Object("new", "10", "created"));

        await SendAsync(WatchEventType.Added, Object("new", "10", "created"));
        await SendAsync(WatchEventType.Deleted, Object("new", "11", "created"));

        Assert.Null(view.Get(Key));
        Assert.Empty(view.List());
    }

    private async Task<WrittenObjects<V1ConfigMap>> ViewAsync()
    {
        await _informer.WaitForSyncAsync(CancellationToken.None);
        return new WrittenObjects<V1ConfigMap>(_informer);
    }

    /// <summary>Sends a watch event and waits (bounded) until the informer has applied it.</summary>
    private async Task SendAsync(WatchEventType type, V1ConfigMap item)
    {
        await _informer.WaitForSyncAsync(CancellationToken.None);
        var applied = new TaskCompletionSource();
        void OnChanged(ResourceEvent<V1ConfigMap> change)
        {
            if (change.Object.Metadata.ResourceVersion == item.Metadata.ResourceVersion && change.Object.Metadata.Uid == item.Metadata.Uid)
            {
                applied.TrySetResult();
            }
        }

        _informer.Changed += OnChanged;
        _source.Send(type, item);
        await applied.Task.WaitAsync(TimeSpan.FromSeconds(30));
        _informer.Changed -= OnChanged;
    }

    private static V1ConfigMap Object(string uid, string resourceVersion, string mark) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = Key.Namespace, Name = Key.Name, Uid = uid, ResourceVersion = resourceVersion },
        Data = new Dictionary<string, string> { ["mark"] = mark },
    };

    private static string? Mark(V1ConfigMap? item) => item?.Data["mark"];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
