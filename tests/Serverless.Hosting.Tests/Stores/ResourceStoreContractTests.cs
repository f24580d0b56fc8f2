using Serverless.Core.Api;
using Serverless.Core.Contracts;
using static Serverless.Hosting.Tests.Stores.StorageTestObjects;

namespace Serverless.Hosting.Tests.Stores;

/// <summary>
/// The semantics of <see cref="IResourceStore{T}"/> every implementation must share, run against the
/// SQLite store and the CRD store over the API double: the informer, controller and activator rely on them.
/// </summary>
public abstract class ResourceStoreContractTests : IAsyncLifetime
{
    private IResourceStore<Function>? _functions;

    protected IResourceStore<Function> Functions => _functions ?? throw new InvalidOperationException("not initialized");

    /// <summary>Opens the store under test, keeping at most <paramref name="historySize"/> changes for watches.</summary>
    protected abstract Task<IResourceStore<Function>> OpenAsync(int historySize);

    protected abstract Task CloseAsync();

    protected virtual int HistorySize => 1000;

    public async Task InitializeAsync() => _functions = await OpenAsync(HistorySize);

    public Task DisposeAsync() => CloseAsync();

    [Fact]
    public async Task CreateAsync_NewObject_AssignsIdentityAndLeavesRequestAlone()
    {
        var request = Function("default", "hello", WithLabel("app", "demo"), WithResourceVersion("42"));

        var created = await Functions.CreateAsync(request);

        Assert.True(Guid.TryParse(created.Metadata.Uid, out _), created.Metadata.Uid);
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.Equal(1, created.Metadata.Generation);
        Assert.False(string.IsNullOrEmpty(created.Metadata.ResourceVersion));
        Assert.Equal("demo", created.Metadata.Labels["app"]);
        Assert.Null(request.Metadata.Uid);
        Assert.Equal("42", request.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task CreateAsync_RequestWithStatus_DropsStatus()
    {
        var created = await Functions.CreateAsync(Function("default", "hello", WithReadyReplicas(3)));

        Assert.Null(created.Status);
    }

    [Fact]
    public async Task CreateAsync_NameTaken_FailsWithAlreadyExists()
    {
        await Functions.CreateAsync(Function("default", "hello"));

        var error = await Assert.ThrowsAsync<StoreException>(() => Functions.CreateAsync(Function("default", "hello")));

        Assert.Equal(StoreErrorKind.AlreadyExists, error.Kind);
    }

    [Fact]
    public async Task CreateAsync_NoName_FailsWithInvalid()
    {
        var function = Function("default", "x");
        function.Metadata.Name = null;

        var error = await Assert.ThrowsAsync<StoreException>(() => Functions.CreateAsync(function));

        Assert.Equal(StoreErrorKind.Invalid, error.Kind);
    }

    [Fact]
    public async Task GetAsync_Missing_ReturnsNull()
    {
        Assert.Null(await Functions.GetAsync("default", "nothing"));
    }

    [Fact]
    public async Task ReplaceAsync_StaleResourceVersion_FailsWithConflict()
    {
        var created = await Functions.CreateAsync(Function("default", "hello"));
        await Functions.ReplaceAsync(Function("default", "hello", WithEnv("A", "1"), WithResourceVersion(created.Metadata.ResourceVersion)));

        var error = await Assert.ThrowsAsync<StoreException>(
            () => Functions.ReplaceAsync(Function("default", "hello", WithEnv("A", "2"), WithResourceVersion(created.Metadata.ResourceVersion))));

        Assert.Equal(StoreErrorKind.Conflict, error.Kind);
        Assert.Equal("1", (await Functions.GetAsync("default", "hello"))!.Spec.Env![0].Value);
    }

    [Fact]
    public async Task ReplaceAsync_NoResourceVersion_WritesUnconditionally()
    {
        await Functions.CreateAsync(Function("default", "hello"));
        await Functions.ReplaceAsync(Function("default", "hello", WithEnv("A", "1")));

        var replaced = await Functions.ReplaceAsync(Function("default", "hello", WithEnv("A", "2")));

        Assert.Equal("2", replaced.Spec.Env![0].Value);
        Assert.Equal(3, replaced.Metadata.Generation);
    }

    [Fact]
    public async Task ReplaceAsync_Missing_FailsWithNotFound()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => Functions.ReplaceAsync(Function("default", "hello", WithResourceVersion("5"))));

        Assert.Equal(StoreErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task ReplaceAsync_LabelOnly_KeepsGenerationAndStatus()
    {
        var created = await Functions.CreateAsync(Function("default", "hello"));
        var withStatus = await Functions.ReplaceStatusAsync(Function("default", "hello", WithReadyReplicas(2), WithResourceVersion(created.Metadata.ResourceVersion)));

        var replaced = await Functions.ReplaceAsync(Function("default", "hello", WithLabel("x", "y"), WithReadyReplicas(9), WithResourceVersion(withStatus.Metadata.ResourceVersion)));

        Assert.Equal(1, replaced.Metadata.Generation);
        Assert.Equal(2, replaced.Status!.ReadyReplicas);
        Assert.Equal("y", replaced.Metadata.Labels["x"]);
    }

    [Fact]
    public async Task ReplaceStatusAsync_OtherSpec_ChangesOnlyStatus()
    {
        var created = await Functions.CreateAsync(Function("default", "hello"));

        var written = await Functions.ReplaceStatusAsync(Function("default", "hello", WithEnv("A", "1"), WithReadyReplicas(1), WithResourceVersion(created.Metadata.ResourceVersion)));

        Assert.Null(written.Spec.Env);
        Assert.Equal(1, written.Status!.ReadyReplicas);
        Assert.Equal(1, written.Metadata.Generation);
    }

    [Fact]
    public async Task ReplaceStatusAsync_StaleResourceVersion_FailsWithConflict()
    {
        var created = await Functions.CreateAsync(Function("default", "hello"));
        await Functions.ReplaceAsync(Function("default", "hello", WithEnv("A", "1"), WithResourceVersion(created.Metadata.ResourceVersion)));

        var error = await Assert.ThrowsAsync<StoreException>(
            () => Functions.ReplaceStatusAsync(Function("default", "hello", WithReadyReplicas(1), WithResourceVersion(created.Metadata.ResourceVersion))));

        Assert.Equal(StoreErrorKind.Conflict, error.Kind);
    }

    [Fact]
    public async Task DeleteAsync_Twice_ReturnsTrueThenFalse()
    {
        await Functions.CreateAsync(Function("default", "hello"));

        Assert.True(await Functions.DeleteAsync("default", "hello"));
        Assert.False(await Functions.DeleteAsync("default", "hello"));
        Assert.Null(await Functions.GetAsync("default", "hello"));
    }

    [Fact]
    public async Task ListAsync_SeveralNamespaces_SortedAndFiltered()
    {
        await Functions.CreateAsync(Function("b", "x"));
        await Functions.CreateAsync(Function("a", "y"));
        await Functions.CreateAsync(Function("a", "x"));

        var all = await Functions.ListAsync();
        var onlyA = await Functions.ListAsync("a");

        Assert.Equal(["a/x", "a/y", "b/x"], all.Items.Select(f => $"{f.Metadata.NamespaceProperty}/{f.Metadata.Name}"));
        Assert.Equal(["x", "y"], onlyA.Items.Select(f => f.Metadata.Name));
        Assert.False(string.IsNullOrEmpty(all.ResourceVersion));
    }

    [Fact]
    public async Task WatchAsync_FromListVersion_SeesChangesInOrder()
    {
        var list = await Functions.ListAsync("default");
        await using var watch = WatchReader<Function>.Start(Functions, "default", list.ResourceVersion);

        var created = await Functions.CreateAsync(Function("default", "hello"));
        await Functions.ReplaceAsync(Function("default", "hello", WithEnv("A", "1"), WithResourceVersion(created.Metadata.ResourceVersion)));
        await Functions.DeleteAsync("default", "hello");
        await Functions.CreateAsync(Function("other", "ignored"));
        var events = await watch.NextAsync(3);

        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.Equal("1", events[1].Object.Spec.Env![0].Value);
    }
}
