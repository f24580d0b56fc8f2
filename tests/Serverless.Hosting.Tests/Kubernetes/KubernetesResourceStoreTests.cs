using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;
using Serverless.Hosting.Kubernetes;
using Serverless.Hosting.Tests.Stores;
using Serverless.KubeApiServer;
using k8s.Autorest;
using static Serverless.Hosting.Tests.Stores.StorageTestObjects;

namespace Serverless.Hosting.Tests.Kubernetes;

/// <summary>What only the CRD store does: HTTP codes to error kinds, 410 handling, the unconditional-replace bridge.</summary>
public sealed class KubernetesResourceStoreTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private KubeApiDouble _api = null!;
    private KubernetesResourceStore<Function> _store = null!;

    public async Task InitializeAsync()
    {
        _api = await KubeApiDouble.StartAsync();
        _store = new KubernetesResourceStore<Function>(_api.CreateClient("controller"), CustomResource.Functions);
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task WatchAsync_VersionCompactedAway_FailsWithExpired()
    {
        await _store.CreateAsync(Function("default", "a"));
        var old = (await _store.ListAsync()).ResourceVersion;
        await _store.CreateAsync(Function("default", "b"));
        _api.CompactHistory();

        await using var watch = WatchReader<Function>.Start(_store, null, old);
        var error = await Assert.ThrowsAsync<StoreException>(() => watch.MoveNextAsync());

        Assert.Equal(StoreErrorKind.Expired, error.Kind);
    }

    [Fact]
    public async Task WatchAsync_ServerExpiresOpenWatch_FailsWithExpired()
    {
        var list = await _store.ListAsync();
        await using var watch = WatchReader<Function>.Start(_store, null, list.ResourceVersion);
        await _store.CreateAsync(Function("default", "a"));
        Assert.Equal(WatchEventType.Added, (await watch.NextAsync()).Type);

        _api.ExpireWatches();
        var error = await Assert.ThrowsAsync<StoreException>(() => watch.MoveNextAsync());

        Assert.Equal(StoreErrorKind.Expired, error.Kind);
    }

    [Fact]
    public async Task WatchAsync_ServerClosesWatch_ResumesFromLastVersion()
    {
        var list = await _store.ListAsync();
        await using var watch = WatchReader<Function>.Start(_store, null, list.ResourceVersion);
        await _store.CreateAsync(Function("default", "a"));
        await watch.NextAsync();

        _api.CloseWatches();
        await _store.CreateAsync(Function("default", "b"));
        var next = await watch.NextAsync();

        Assert.Equal("b", next.Object.Metadata.Name);
    }

    [Fact]
    public async Task ReplaceAsync_UnconditionalRacesConflict_RetriesAndWins()
    {
        await _store.CreateAsync(Function("default", "a"));
        _api.Faults.FailNext(2, 409, r => r.Verb == "update" && r.Resource == "functions");

        var replaced = await _store.ReplaceAsync(Function("default", "a", WithEnv("A", "1")));

        Assert.Equal("1", replaced.Spec.Env![0].Value);
        Assert.Equal(3, _api.Audit.Records.Count(r => r.Verb == "update"));
    }

    [Fact]
    public async Task ReplaceAsync_UnconditionalConflictsEveryTime_FailsWithConflict()
    {
        await _store.CreateAsync(Function("default", "a"));
        _api.Faults.FailNext(KubernetesResourceStore<Function>.UnconditionalAttempts, 409, r => r.Verb == "update");

        var error = await Assert.ThrowsAsync<StoreException>(() => _store.ReplaceAsync(Function("default", "a", WithEnv("A", "1"))));

        Assert.Equal(StoreErrorKind.Conflict, error.Kind);
    }

    [Fact]
    public async Task CreateAsync_ServerError_PropagatesHttpError()
    {
        _api.Faults.FailNext(1, 500, r => r.Verb == "create");

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => _store.CreateAsync(Function("default", "a")));

        Assert.Equal(HttpStatusCode.InternalServerError, error.Response.StatusCode);
    }

    [Fact]
    public async Task Writes_UseStatusSubresourceAndRbacVerbs()
    {
        var created = await _store.CreateAsync(Function("default", "a"));
        await _store.ReplaceStatusAsync(Function("default", "a", WithReadyReplicas(1), WithResourceVersion(created.Metadata.ResourceVersion)));
        await _store.DeleteAsync("default", "a");

        Assert.Equal(
            ["create functions", "update functions/status", "delete functions"],
            _api.Audit.Records.Select(r => $"{r.Verb} {r.ResourcePath}"));
    }

    [Fact]
    public async Task Informer_WatchExpires_RelistsAndSeesDeletion()
    {
        await _store.CreateAsync(Function("default", "a"));
        var informer = new ResourceInformer<Function>(_store, null, TimeProvider.System, NullLogger.Instance) { RetryDelay = TimeSpan.FromMilliseconds(10) };
        using var cts = new CancellationTokenSource(Bound);
        var running = informer.RunAsync(cts.Token);
        await informer.WaitForSyncAsync(cts.Token);
        while (_api.OpenWatchCount == 0)
        {
            await Task.Delay(10, cts.Token);
        }

        _api.CompactHistory();
        _api.ExpireWatches();
        await _store.DeleteAsync("default", "a");
        await _store.CreateAsync(Function("default", "b"));
        while (informer.List().Select(f => f.Metadata.Name).SingleOrDefault() != "b")
        {
            await Task.Delay(10, cts.Token);
        }

        await cts.CancelAsync();
        await running.WaitAsync(Bound);

        Assert.Equal(["b"], informer.List().Select(f => f.Metadata.Name));
    }
}
