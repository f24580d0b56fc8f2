using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Controller.Metrics;
using Serverless.Controller.Reconcilers;
using Serverless.Controller.Reconcilers.Function;
using Serverless.Controller.Tests.Fakes;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Workloads;
using Serverless.Hosting.Informers;
using Serverless.TestSupport;
using FunctionResource = Serverless.Core.Api.Function;

namespace Serverless.Controller.Tests.Reconcilers.Function.Revisions;

/// <summary>
/// Issue #17 item 3, with <see cref="ControllerOptions.RevisionWorkloads"/>: every revision, the main one included, is a
/// workload keyed by its name, so a promotion or a rollback only moves weights and never restarts instances; a workload
/// of the older layout (keyed by the Function) keeps serving until its revision's own workload is ready, then drains.
/// </summary>
public sealed class RevisionWorkloadsTests
{
    private static readonly FunctionKey Hello = new("default", "hello");
    private static readonly FunctionKey V1 = new("default", "hello-00001");
    private static readonly FunctionKey V2 = new("default", "hello-00002");

    [Fact]
    public async Task Reconcile_CanaryPromotedTo100_KeepsTheCanarysWorkloadAndRetiresTheOldOneAfterGrace()
    {
        var world = new World();
        await world.PassAsync();
        Assert.Equal([V1], world.Workloads.Keys); // never under the Function's key
        world.Workloads.MarkReady(V1);
        await world.PassAsync();
        Assert.Equal(["hello-00001:100"], Traffic(world.Function.Status));
        Assert.Null(world.Function.Status!.FunctionKeyRevision);
        Assert.Equal(1, world.Function.Status.ReadyReplicas); // the main revision's workload, as the Function's was

        // v2 as a 10% canary, pinned by name.
        world.Change(fn => fn.Spec.Env = [new EnvVar { Name = "VERSION", Value = "2" }]);
        await world.PassAsync();
        world.Workloads.MarkReady(V2);
        await world.PassAsync();
        world.Change(fn => fn.Spec.Traffic = [new TrafficTarget { RevisionName = "hello-00001", Percent = 90 }, new TrafficTarget { RevisionName = "hello-00002", Percent = 10 }]);
        await world.PassAsync();
        Assert.Equal(["hello-00001:90", "hello-00002:10"], Traffic(world.Function.Status));
        var v1 = world.Workloads.Incarnation(V1);
        var canary = world.Workloads.Incarnation(V2);

        // Promote past 50%, then to 100%: the canary's workload is the one that serves, untouched.
        world.Change(fn => fn.Spec.Traffic = [new TrafficTarget { RevisionName = "hello-00001", Percent = 40 }, new TrafficTarget { RevisionName = "hello-00002", Percent = 60 }]);
        await world.PassAsync();
        Assert.Equal((v1, canary), (world.Workloads.Incarnation(V1), world.Workloads.Incarnation(V2)));
        world.Change(fn => fn.Spec.Traffic = [new TrafficTarget { RevisionName = "hello-00002", Percent = 100 }]);
        var pass = await world.PassAsync();
        Assert.Equal(canary, world.Workloads.Incarnation(V2));
        Assert.Equal(["hello-00002:100"], Traffic(world.Function.Status));
        Assert.DoesNotContain(pass, c => c.StartsWith("ensure default/hello ", StringComparison.Ordinal));

        // v1 lost its share: kept for the scale-to-zero grace (30 s) for requests routed before the split changed, then gone.
        Assert.Equal(v1, world.Workloads.Incarnation(V1));
        await world.PassAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(v1, world.Workloads.Incarnation(V1));
        pass = await world.PassAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("delete default/hello-00001", pass);
        Assert.Equal([V2], world.Workloads.Keys);

        // Roll back by name: v1 starts again under its own key; v2 keeps running until its grace is over.
        world.Change(fn => fn.Spec.Traffic = [new TrafficTarget { RevisionName = "hello-00001", Percent = 100 }]);
        await world.PassAsync();
        Assert.Equal(canary, world.Workloads.Incarnation(V2));
        Assert.NotEqual(0, world.Workloads.Incarnation(V1));
        Assert.DoesNotContain(Hello, world.Workloads.Keys);
    }

    [Fact]
    public async Task Reconcile_OlderLayoutsFunctionKeyedWorkload_ServesUntilTheRevisionsOwnIsReadyThenDrains()
    {
        var world = new World();
        await world.PassAsync();
        world.Workloads.MarkReady(V1);
        await world.PassAsync();

        // As an older platform left it: v1 runs under the Function's key with 3 instances, the status has no functionKeyRevision.
        var hash = world.Workloads.GetStatus(V1)!.Revision;
        world.Workloads.Adopt(WorkloadSpecBuilder.Build(world.Function) with { Key = Hello, RevisionName = "hello-00001" }, 3);
        await world.Workloads.DeleteAsync(V1);
        world.Function.Status!.FunctionKeyRevision = null;

        var pass = await world.PassAsync();
        Assert.Equal("hello-00001", world.Function.Status!.FunctionKeyRevision); // the activator keeps using the older workload ...
        Assert.True(pass.Contains("ensure default/hello-00001 replicas=3"), string.Join(", ", pass)); // ... while v1's own starts, as many as it runs
        Assert.Equal(hash, world.Workloads.GetStatus(V1)!.Revision);
        Assert.NotNull(world.Workloads.GetStatus(Hello));

        pass = await world.PassAsync();
        Assert.Equal("hello-00001", world.Function.Status!.FunctionKeyRevision); // not ready yet: still the older one
        Assert.DoesNotContain("delete default/hello", pass);

        world.Workloads.MarkReady(V1);
        pass = await world.PassAsync();
        Assert.Null(world.Function.Status!.FunctionKeyRevision); // routed to v1's own from now on ...
        Assert.DoesNotContain("delete default/hello", pass); // ... and the older one drains once the status said so
        pass = await world.PassAsync();
        Assert.Contains("delete default/hello", pass);
        Assert.Equal([V1], world.Workloads.Keys);
        Assert.Null(world.Function.Status!.FunctionKeyRevision);
    }

    [Fact]
    public async Task Reconcile_RevisionNamedLikeAnotherFunction_RunsUnderTheFunctionsKey()
    {
        var world = new World(TestFunctions("hello-00001"));
        await world.PassAsync();
        world.Workloads.MarkReady(Hello);
        await world.PassAsync();

        Assert.Equal([Hello], world.Workloads.Keys); // a key of its own would be the Function hello-00001's
        Assert.Equal("hello-00001", world.Function.Status!.FunctionKeyRevision);
        Assert.Equal(["hello-00001:100"], Traffic(world.Function.Status));
    }

    [Fact]
    public async Task Reconcile_SpecTurnsInvalid_TheRevisionWorkloadsStopAsTheFunctionsDid()
    {
        var world = new World();
        await world.PassAsync();
        world.Workloads.MarkReady(V1);
        await world.PassAsync();

        world.Change(fn => fn.Spec.Runtime = "cobol"); // written straight into the store, past admission
        var pass = await world.PassAsync();

        Assert.Contains("delete default/hello-00001", pass);
        Assert.Empty(world.Workloads.Keys);
    }

    [Fact]
    public async Task Reconcile_WorkloadMadeAPassAfterTheStatusRecordedItsRevision_StartsAtInitialScaleNotMinScale()
    {
        // On Kubernetes a revision's Deployment waits for its Revision to reach the cache, so the pass that cut the
        // revision (and wrote it to the status as the latest) makes nothing: the next one must still start it at
        // initialScale (1), not at minScale (0) as it would for a revision the Function already ran.
        var world = new World { Workloads = new SimulatedWorkloads { DeferFirstEnsure = true } };

        await world.PassAsync();
        Assert.Empty(world.Workloads.Keys);
        var second = await world.PassAsync();

        Assert.Contains("ensure default/hello-00001 replicas=1", second);
        Assert.Equal(1, world.Workloads.GetStatus(V1)!.DesiredReplicas);

        // A revision that proved ready and whose workload is gone (a restart) comes back at minScale, as before.
        world.Workloads.MarkReady(V1);
        await world.PassAsync();
        await world.Workloads.DeleteAsync(V1);
        var restart = await world.PassAsync();
        Assert.Contains("ensure default/hello-00001 replicas=0", restart);
    }

    private static FunctionResource TestFunctions(string name) => Serverless.Core.Tests.Builders.TestFunctions.Function("default", name);

    private static string[] Traffic(FunctionStatus? status) =>
        (status?.Traffic ?? []).Select(t => $"{t.RevisionName}:{t.Percent}").ToArray();

    private sealed class World(params FunctionResource[] others)
    {
        private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        private readonly MemoryRevisionStore _revisions = new(new ManualTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero)));

        public SimulatedWorkloads Workloads { get; init; } = new();

        public FunctionResource Function { get; } = Serverless.Core.Tests.Builders.TestFunctions.Function("default", "hello", fn => fn.Metadata.Generation = 1);

        public void Change(Action<FunctionResource> edit)
        {
            edit(Function);
            Function.Metadata.Generation++;
        }

        /// <summary>One reconcile pass a second (plus <paramref name="advance"/>) after the last; returns its workload calls.</summary>
        public async Task<List<string>> PassAsync(TimeSpan advance = default)
        {
            _time.Advance(TimeSpan.FromSeconds(1) + advance);
            var store = new RecordingFunctionStore([Function, .. others]);
            var functions = new ResourceInformer<FunctionResource>(store, null, TimeProvider.System, NullLogger.Instance);
            using (var stop = new CancellationTokenSource())
            {
                var run = functions.RunAsync(stop.Token);
                await functions.WaitForSyncAsync(CancellationToken.None);
                await stop.CancelAsync();
                await run;
            }

            var options = new ControllerOptions { RevisionWorkloads = true };
            var reconciler = new FunctionReconciler(
                functions, store, Workloads, options, new ControllerMetrics(Prometheus.Metrics.NewCustomRegistry()), _time, NullLogger.Instance, null, _revisions);
            var before = Workloads.Calls.Count;
            Assert.Equal(ReconcileResult.Success, await reconciler.ReconcileAsync(Hello, CancellationToken.None));
            if (store.StatusWrites.Count > 0)
            {
                Function.Status = store.StatusWrites[^1].Status;
            }

            return Workloads.Calls.Skip(before).ToList();
        }
    }
}
