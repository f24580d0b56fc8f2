using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Serialization;
using Serverless.Hosting.Tests.Stores;
using static Serverless.Hosting.Tests.Stores.StorageTestObjects;

namespace Serverless.Backends.Local.Tests.Storage;

/// <summary>
/// What only the SQLite store promises or can be asked; the semantics every store shares (conflicts, not found,
/// already exists, status subresource) run against both stores in Kubernetes/Storage/ResourceStoreContractTests.
/// </summary>
public sealed class SqliteResourceStoreTests : IDisposable
{
    private readonly StoreHarness _harness = new();

    private IResourceStore<Function> Functions => _harness.Stores.Functions;

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task CreateAsync_NewObject_AssignsIdentityGenerationAndVersion()
    {
        _harness.Time.UtcNow = new DateTimeOffset(2024, 5, 1, 12, 30, 15, 750, TimeSpan.Zero);
        var request = Function("default", "hello", WithLabel("app", "demo"), WithResourceVersion("42"));

        var created = await Functions.CreateAsync(request);

        Assert.True(Guid.TryParse(created.Metadata.Uid, out _), created.Metadata.Uid);
        Assert.Equal(new DateTime(2024, 5, 1, 12, 30, 15, DateTimeKind.Utc), created.Metadata.CreationTimestamp);
        Assert.Equal(1, created.Metadata.Generation);
        Assert.Equal("1", created.Metadata.ResourceVersion);
        Assert.Equal("demo", created.Metadata.Labels["app"]);
        Assert.Equal("index.js:handler", created.Spec.Handler);

        // The caller's object is not the stored one and was not changed.
        Assert.Null(request.Metadata.Uid);
        Assert.Equal("42", request.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task DeleteAsync_WithFinalizer_MarkedThenGoneWhenTheLastFinalizerIsRemoved()
    {
        _harness.Time.UtcNow = new DateTimeOffset(2024, 5, 1, 12, 30, 15, 750, TimeSpan.Zero);
        var request = Function("default", "held");
        request.Metadata.Finalizers = ["example.com/hold"];
        await Functions.CreateAsync(request);

        var deleted = await Functions.DeleteAsync("default", "held");
        var marked = await Functions.GetAsync("default", "held");
        var deletedAgain = await Functions.DeleteAsync("default", "held");
        var markedAgain = await Functions.GetAsync("default", "held");
        marked!.Metadata.Finalizers = [];
        await Functions.ReplaceAsync(marked);
        var gone = await Functions.GetAsync("default", "held");

        Assert.True(deleted);
        Assert.Equal(new DateTime(2024, 5, 1, 12, 30, 15, DateTimeKind.Utc), marked.Metadata.DeletionTimestamp);
        Assert.Equal(2, marked.Metadata.Generation);
        Assert.True(deletedAgain);
        Assert.Equal(marked.Metadata.ResourceVersion, markedAgain!.Metadata.ResourceVersion);
        Assert.Null(gone);
    }

    [Fact]
    public async Task CreateAsync_SameNameInOtherNamespaceOrKind_Succeeds()
    {
        await Functions.CreateAsync(Function("default", "hello"));

        await Functions.CreateAsync(Function("other", "hello"));
        await _harness.Stores.Brokers.CreateAsync(Broker("default", "hello"));

        Assert.Equal(2, (await Functions.ListAsync()).Items.Count);
    }

    [Theory]
    [InlineData("no name", "default", null)]
    [InlineData("empty name", "default", "")]
    [InlineData("no namespace", null, "hello")]
    [InlineData("empty namespace", "", "hello")]
    public async Task CreateAsync_MissingKey_FailsWithInvalid(string label, string? @namespace, string? name)
    {
        var function = Function("x", "x");
        function.Metadata.NamespaceProperty = @namespace;
        function.Metadata.Name = name;

        var error = await Assert.ThrowsAsync<StoreException>(() => Functions.CreateAsync(function));

        Assert.True(error.Kind == StoreErrorKind.Invalid, label);
    }

    [Fact]
    public async Task GetAsync_ReturnedObjectMutated_StoredObjectUnchanged()
    {
        await Functions.CreateAsync(Function("default", "hello"));
        var first = await Functions.GetAsync("default", "hello");

        first!.Spec.Handler = "changed";
        first.Metadata.Name = "changed";

        var second = await Functions.GetAsync("default", "hello");
        Assert.Equal("index.js:handler", second!.Spec.Handler);
        Assert.Equal("hello", second.Metadata.Name);
    }

    [Fact]
    public async Task ReplaceAsync_ResourceVersionNotANumber_FailsWithInvalid()
    {
        await Functions.CreateAsync(Function("default", "hello"));

        var error = await Assert.ThrowsAsync<StoreException>(
            () => Functions.ReplaceAsync(Function("default", "hello", WithResourceVersion("1; DROP TABLE resources"))));

        Assert.Equal(StoreErrorKind.Invalid, error.Kind);
    }

    [Fact]
    public async Task ReplaceAsync_RequestChangesIdentityAndStatus_KeepsStoredOnes()
    {
        var created = await Functions.CreateAsync(Function("default", "hello"));
        var withStatus = await Functions.ReplaceStatusAsync(Function("default", "hello", WithReadyReplicas(2)));
        _harness.Time.Advance(TimeSpan.FromHours(1));
        var request = Function("default", "hello", WithReadyReplicas(9), WithLabel("tier", "web"), WithAnnotation("note", "x"));
        request.Metadata.Uid = Guid.NewGuid().ToString();
        request.Metadata.CreationTimestamp = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        request.Metadata.Generation = 77;
        request.Metadata.Finalizers = ["serverless.dev/cleanup"];

        var replaced = await Functions.ReplaceAsync(request);

        Assert.Equal(created.Metadata.Uid, replaced.Metadata.Uid);
        Assert.Equal(created.Metadata.CreationTimestamp, replaced.Metadata.CreationTimestamp);
        Assert.Equal(1, replaced.Metadata.Generation);
        Assert.Equal(2, replaced.Status!.ReadyReplicas);
        Assert.Equal("web", replaced.Metadata.Labels["tier"]);
        Assert.Equal("x", replaced.Metadata.Annotations["note"]);
        Assert.Equal(["serverless.dev/cleanup"], replaced.Metadata.Finalizers);
        Assert.True(long.Parse(replaced.Metadata.ResourceVersion) > long.Parse(withStatus.Metadata.ResourceVersion));
        Assert.Equal(ResourceJson.Serialize(replaced), ResourceJson.Serialize((await Functions.GetAsync("default", "hello"))!));
    }

    public static TheoryData<string, Action<Function>, long> GenerationCases() => new()
    {
        { "spec change", WithEnv("A", "changed"), 2 },
        { "label change", WithLabel("tier", "web"), 1 },
        { "annotation change", WithAnnotation("note", "x"), 1 },
        { "status in the request", WithReadyReplicas(5), 1 },
        { "nothing changed", _ => { }, 1 },
    };

    [Theory]
    [MemberData(nameof(GenerationCases))]
    public async Task ReplaceAsync_Change_BumpsGenerationOnlyForSpec(string label, Action<Function> change, long expectedGeneration)
    {
        await Functions.CreateAsync(Function("default", "hello", WithEnv("A", "original")));

        var replaced = await Functions.ReplaceAsync(Function("default", "hello", WithEnv("A", "original"), change));

        Assert.True(expectedGeneration == replaced.Metadata.Generation, $"{label}: generation {replaced.Metadata.Generation}, expected {expectedGeneration}");
    }

    [Fact]
    public async Task ReplaceAsync_NothingChanged_KeepsResourceVersion()
    {
        var created = await Functions.CreateAsync(Function("default", "hello", WithLabel("a", "b")));

        var replaced = await Functions.ReplaceAsync(Function("default", "hello", WithLabel("a", "b"), WithResourceVersion(created.Metadata.ResourceVersion)));

        Assert.Equal(created.Metadata.ResourceVersion, replaced.Metadata.ResourceVersion);
        Assert.Equal(created.Metadata.ResourceVersion, (await Functions.ListAsync()).ResourceVersion);
    }

    [Fact]
    public async Task ReplaceStatusAsync_RequestWithOtherSpecAndLabels_ChangesOnlyStatus()
    {
        var created = await Functions.CreateAsync(Function("default", "hello", WithEnv("A", "1"), WithLabel("a", "b")));
        var request = Function("default", "hello", WithEnv("A", "ignored"), WithLabel("a", "ignored"), WithReadyReplicas(3));
        request.Spec.Handler = "ignored.js:handler";

        var updated = await Functions.ReplaceStatusAsync(request);

        Assert.Equal(3, updated.Status!.ReadyReplicas);
        Assert.Equal("1", updated.Spec.Env![0].Value);
        Assert.Equal("index.js:handler", updated.Spec.Handler);
        Assert.Equal("b", updated.Metadata.Labels["a"]);
        Assert.Equal(1, updated.Metadata.Generation);
        Assert.Equal(created.Metadata.Uid, updated.Metadata.Uid);
        Assert.NotEqual(created.Metadata.ResourceVersion, updated.Metadata.ResourceVersion);
        Assert.Equal(ResourceJson.Serialize(updated), ResourceJson.Serialize((await Functions.GetAsync("default", "hello"))!));
    }

    [Fact]
    public async Task ReplaceStatusAsync_NullStatus_ClearsStatus()
    {
        await Functions.CreateAsync(Function("default", "hello"));
        await Functions.ReplaceStatusAsync(Function("default", "hello", WithReadyReplicas(3)));

        var cleared = await Functions.ReplaceStatusAsync(Function("default", "hello"));

        Assert.Null(cleared.Status);
    }

    [Fact]
    public async Task ReplaceStatusAsync_Missing_FailsWithNotFound()
    {
        var error = await Assert.ThrowsAsync<StoreException>(() => Functions.ReplaceStatusAsync(Function("default", "nothing", WithReadyReplicas(1))));

        Assert.Equal(StoreErrorKind.NotFound, error.Kind);
    }

    [Fact]
    public async Task DeleteAsync_ThenCreate_GetsNewIdentity()
    {
        var first = await Functions.CreateAsync(Function("default", "hello"));
        await Functions.DeleteAsync("default", "hello");

        var second = await Functions.CreateAsync(Function("default", "hello"));

        Assert.NotEqual(first.Metadata.Uid, second.Metadata.Uid);
        Assert.Equal(1, second.Metadata.Generation);
    }

    [Fact]
    public async Task ListAsync_ObjectsInSeveralNamespaces_SortedByNamespaceThenName()
    {
        foreach (var (ns, name) in new[] { ("b", "z"), ("a", "y"), ("b", "a"), ("a", "x") })
        {
            await Functions.CreateAsync(Function(ns, name));
        }

        await _harness.Stores.Triggers.CreateAsync(Trigger("a", "not-a-function"));

        var all = await Functions.ListAsync();
        var inA = await Functions.ListAsync("a");
        var emptyNamespace = await Functions.ListAsync("");
        var inC = await Functions.ListAsync("c");

        Assert.Equal(["a/x", "a/y", "b/a", "b/z"], all.Items.Select(f => f.Metadata.NamespaceProperty + "/" + f.Metadata.Name));
        Assert.Equal(["a/x", "a/y"], inA.Items.Select(f => f.Metadata.NamespaceProperty + "/" + f.Metadata.Name));
        Assert.Equal(all.Items.Count, emptyNamespace.Items.Count);
        Assert.Empty(inC.Items);
        Assert.Equal("5", all.ResourceVersion);
        Assert.Equal("5", inC.ResourceVersion);
    }

    [Fact]
    public async Task ResourceVersion_WritesAcrossKinds_StrictlyIncreases()
    {
        var versions = new List<long>
        {
            long.Parse((await Functions.CreateAsync(Function("default", "f"))).Metadata.ResourceVersion),
            long.Parse((await _harness.Stores.Brokers.CreateAsync(Broker("default", "b"))).Metadata.ResourceVersion),
            long.Parse((await _harness.Stores.Triggers.CreateAsync(Trigger("default", "t"))).Metadata.ResourceVersion),
            long.Parse((await Functions.ReplaceStatusAsync(Function("default", "f", WithReadyReplicas(1)))).Metadata.ResourceVersion),
        };
        await _harness.Stores.Brokers.DeleteAsync("default", "b");
        versions.Add(long.Parse((await _harness.Stores.Brokers.ListAsync()).ResourceVersion));

        Assert.Equal([1, 2, 3, 4, 5], versions);
        Assert.Equal("5", (await Functions.ListAsync()).ResourceVersion);
    }

    [Theory]
    [InlineData("x'); DROP TABLE resources; --", "default")]
    [InlineData("hello", "ns\"; DELETE FROM counters; --")]
    [InlineData("' OR '1'='1", "' OR '1'='1")]
    [InlineData("$name", "@namespace")]
    public async Task Crud_HostileNames_StoredAsData(string name, string @namespace)
    {
        await Functions.CreateAsync(Function("bystanders", "bystander"));

        var created = await Functions.CreateAsync(Function(@namespace, name));
        var fetched = await Functions.GetAsync(@namespace, name);
        var replaced = await Functions.ReplaceAsync(Function(@namespace, name, WithEnv("A", "1")));
        var listed = await Functions.ListAsync(@namespace);

        Assert.Equal(name, created.Metadata.Name);
        Assert.Equal(@namespace, fetched!.Metadata.NamespaceProperty);
        Assert.Equal(2, replaced.Metadata.Generation);
        Assert.Equal(name, Assert.Single(listed.Items).Metadata.Name);
        Assert.True(await Functions.DeleteAsync(@namespace, name));
        Assert.NotNull(await Functions.GetAsync("bystanders", "bystander"));
        Assert.Equal("4", (await Functions.ListAsync()).ResourceVersion);
    }

    [Fact]
    public async Task Writes_ManyConcurrentTasks_AllLandWithUniqueIncreasingVersions()
    {
        const int tasks = 8;
        const int writesPerTask = 50;
        var start = await Functions.ListAsync();
        await using var watch = WatchReader<Function>.Start(Functions, null, start.ResourceVersion);

        var perTask = await Task.WhenAll(Enumerable.Range(0, tasks).Select(t => Task.Run(async () =>
        {
            var name = "fn-" + t;
            var versions = new List<long> { long.Parse((await Functions.CreateAsync(Function("default", name))).Metadata.ResourceVersion) };
            for (var i = 1; i < writesPerTask; i++)
            {
                var replaced = await Functions.ReplaceAsync(Function("default", name, WithEnv("I", i.ToString())));
                versions.Add(long.Parse(replaced.Metadata.ResourceVersion));
            }

            return versions;
        }))).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.All(perTask, versions => Assert.Equal(versions.Order(), versions));
        var all = perTask.SelectMany(v => v).ToList();
        Assert.Equal(tasks * writesPerTask, all.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, tasks * writesPerTask).Select(v => (long)v), all.Order());
        var list = await Functions.ListAsync();
        Assert.All(list.Items, f => Assert.Equal(writesPerTask, f.Metadata.Generation));
        Assert.Equal((tasks * writesPerTask).ToString(), list.ResourceVersion);

        var events = await watch.NextAsync(tasks * writesPerTask);
        Assert.Equal(all.Order(), events.Select(e => long.Parse(e.Object.Metadata.ResourceVersion)));
    }
}
