using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Activator.Configuration;
using Serverless.Activator.Functions;
using Serverless.Activator.Metrics;
using Serverless.Activator.Tests.Fakes;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;
using Serverless.TestSupport;

namespace Serverless.Activator.Tests.Functions;

/// <summary>
/// Issue #17: every revision is a workload keyed by its name, the main one included, so the registry routes each
/// request to the key of the revision its split picks; only the revision the status runs under the Function's key
/// (an older layout's workload while it is replaced) maps to the Function.
/// </summary>
public sealed class FunctionRegistryRoutingTests
{
    [Theory]
    [InlineData("no status yet: the revision about to be cut", null, null, null, "hello-00001×10")]
    [InlineData("a first deploy not routed yet: the starting revision", null, "hello-00001", null, "hello-00001×10")]
    [InlineData("one revision: its own workload, not the Function's", "hello-00001:100", "hello-00001", null, "hello-00001×10")]
    [InlineData("a split: each share its revision's workload", "hello-00001:90 hello-00002:10", "hello-00002", null, "hello-00001×9 hello-00002×1")]
    [InlineData("a promotion: the canary's workload takes it all", "hello-00002:100", "hello-00002", null, "hello-00002×10")]
    [InlineData("an older layout's main revision: under the Function's key", "hello-00001:90 hello-00002:10", "hello-00002", "hello-00001", "hello×9 hello-00002×1")]
    [InlineData("an older layout's revision no longer routed: nothing maps to it", "hello-00002:100", "hello-00002", "hello-00001", "hello-00002×10")]
    public async Task TryGet_StatusTraffic_RoutesToTheRevisionsWorkloadKey(string label, string? traffic, string? latestCreated, string? functionKeyRevision, string expected)
    {
        var function = ProxyHarness.TestFunction("hello");
        if (traffic is not null || latestCreated is not null)
        {
            function.Status = new FunctionStatus
            {
                LatestCreatedRevision = latestCreated,
                FunctionKeyRevision = functionKeyRevision,
                Traffic = traffic?.Split(' ').Select(t => t.Split(':')).Select(p => new TrafficTarget { RevisionName = p[0], Percent = int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture) }).ToList(),
            };
        }

        await using var world = await World.StartAsync(function);
        var picks = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            Assert.True(world.Registry.TryGet(new FunctionKey("default", "hello"), out var route, out _), label);
            Assert.Equal("default", route.Key.Namespace);
            picks.Add(route.Key.Name);
        }

        var counted = string.Join(' ', picks.GroupBy(p => p).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}×{g.Count()}"));
        Assert.True(expected == counted, $"{label}: {counted}");
    }

    [Fact]
    public async Task TryGet_NoStatusWhereTheMainRevisionIsTheFunctions_RoutesToTheFunctionsKey()
    {
        await using var world = await World.StartAsync(ProxyHarness.TestFunction("hello"), revisionWorkloads: false);
        Assert.True(world.Registry.TryGet(new FunctionKey("default", "hello"), out var route, out _));
        Assert.Equal(new FunctionKey("default", "hello"), route.Key);
    }

    [Theory]
    [InlineData("a tagged revision without a share: its own workload", null, "next", "hello-00002")]
    [InlineData("a tag on the main revision: its own workload too", null, "stable", "hello-00001")]
    [InlineData("a tag on an older layout's revision: the Function's key", "hello-00001", "stable", "hello")]
    public async Task TryGetTagged_Tag_RoutesToTheRevisionsWorkloadKey(string label, string? functionKeyRevision, string tag, string expected)
    {
        var function = ProxyHarness.TestFunction("hello");
        function.Status = new FunctionStatus
        {
            FunctionKeyRevision = functionKeyRevision,
            Traffic =
            [
                new TrafficTarget { RevisionName = "hello-00001", Percent = 100, Tag = "stable" },
                new TrafficTarget { RevisionName = "hello-00002", Percent = 0, Tag = "next" },
            ],
        };

        await using var world = await World.StartAsync(function);
        Assert.Null(world.Registry.TagProblem(new FunctionKey("default", "hello"), tag));
        Assert.True(world.Registry.TryGetTagged(new FunctionKey("default", "hello"), tag, out var route, out _), label);
        Assert.True(expected == route.Key.Name, $"{label}: {route.Key}");
    }

    private sealed class World : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop;
        private readonly Task _run;

        private World(FunctionRegistry registry, CancellationTokenSource stop, Task run)
        {
            Registry = registry;
            _stop = stop;
            _run = run;
        }

        public FunctionRegistry Registry { get; }

        public static async Task<World> StartAsync(Function function, bool revisionWorkloads = true)
        {
            var informer = new ResourceInformer<Function>(new InMemoryFunctionStore(function), null, TimeProvider.System, NullLogger.Instance);
            var stop = new CancellationTokenSource();
            var run = informer.RunAsync(stop.Token);
            await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            var registry = new FunctionRegistry(informer, new FakeEndpointSource(), new ActivatorOptions(), new ActivatorMetrics(Prometheus.Metrics.NewCustomRegistry()), TimeProvider.System)
            {
                RevisionWorkloads = revisionWorkloads,
            };
            return new World(registry, stop, run);
        }

        public async ValueTask DisposeAsync()
        {
            Registry.Dispose();
            await _stop.CancelAsync();
            await _run.WaitAsync(TimeSpan.FromSeconds(10));
            _stop.Dispose();
        }
    }
}
