using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Controller.Metrics;
using Serverless.Controller.Reconcilers;
using Serverless.Controller.Reconcilers.Function;
using Serverless.Controller.Tests.Fakes;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Naming;
using Serverless.Core.Workloads;
using Serverless.Hosting.Informers;
using Serverless.TestSupport;
using static Serverless.Core.Tests.Builders.TestFunctions;
using FunctionResource = Serverless.Core.Api.Function;

namespace Serverless.Controller.Tests.Reconcilers.Function.Revisions;

/// <summary>
/// The reconciler with a Revision store, pass after pass as a user deploys: v1, v2 (traffic moves only once v2 is
/// ready), a rollback by name, a broken v3 that never takes traffic, a missing revision, a split local mode does not
/// serve yet, and deletion.
/// </summary>
public sealed class RevisionWalkthroughTests
{
    private const string Url = "http://127.0.0.1:8080/default/hello/";

    [Fact]
    public async Task Reconcile_DeployV1ThenV2_CutsRevisionsAndMovesTrafficOnlyOnceV2IsReady()
    {
        var world = new World();

        // v1: cut, run, ready.
        var pass = await world.PassAsync(observed: null);
        Assert.Equal(["hello-00001"], world.RevisionNames);
        var v1 = world.Revision("hello-00001");
        Assert.Equal("hello", v1.Metadata.Labels[RevisionNames.FunctionLabel]);
        Assert.Equal("1", v1.Metadata.Labels[RevisionNames.GenerationLabel]);
        Assert.Equal(FunctionResource.KindName, Assert.Single(v1.Metadata.OwnerReferences).Kind);
        Assert.Equal(WorkloadSpecBuilder.Revision(world.Function.Spec), v1.Spec.ContentHash);
        Assert.Equal(v1.Spec.ContentHash, Assert.Single(pass.Ensured).Revision);
        Assert.Equal("Unknown", Condition(world.Function.Status, ConditionTypes.RouteReady).Status);
        Assert.Equal("RevisionMissing", Condition(world.Function.Status, ConditionTypes.RouteReady).Reason);

        await world.PassAsync(Ready(v1.Spec.ContentHash));
        Assert.Equal("True", ReadyOf(world.Revision("hello-00001")));
        Assert.Equal("hello-00001", world.Function.Status!.LatestReadyRevision);
        Assert.Equal(["hello-00001:100:latest"], Traffic(world.Function.Status));
        Assert.Equal(100, world.Revision("hello-00001").Status!.TrafficPercent);

        // v2: a scale-only change cuts nothing; an env change cuts hello-00003 (the generation names it).
        world.Change(fn => (fn.Spec.Scale ??= new()).MaxScale = 5);
        await world.PassAsync(Ready(v1.Spec.ContentHash));
        Assert.Equal(["hello-00001"], world.RevisionNames);

        world.Change(Version("2"));
        pass = await world.PassAsync(Ready(v1.Spec.ContentHash));
        Assert.Equal(["hello-00001", "hello-00003"], world.RevisionNames);
        var v2 = world.Revision("hello-00003");
        Assert.Equal(v2.Spec.ContentHash, Assert.Single(pass.Ensured).Revision); // rolls to v2 ...
        Assert.Equal(["hello-00001:100:latest"], Traffic(world.Function.Status)); // ... while v1 keeps the traffic
        Assert.Equal("hello-00003", world.Function.Status!.LatestCreatedRevision);
        Assert.Equal("hello-00001", world.Function.Status.LatestReadyRevision);

        await world.PassAsync(Starting(v2.Spec.ContentHash));
        Assert.Equal("Unknown", ReadyOf(world.Revision("hello-00003")));
        Assert.Equal(["hello-00001:100:latest"], Traffic(world.Function.Status));

        await world.PassAsync(Ready(v2.Spec.ContentHash));
        Assert.Equal("hello-00003", world.Function.Status!.LatestReadyRevision);
        Assert.Equal(["hello-00003:100:latest"], Traffic(world.Function.Status));
        Assert.Equal(0, world.Revision("hello-00001").Status!.TrafficPercent);
        Assert.Equal("True", ReadyOf(world.Revision("hello-00001"))); // scaled away, still a ready revision
    }

    [Fact]
    public async Task Reconcile_RollbackByNameThenBrokenV3_RunsThePinnedRevisionAndNeverRoutesTheBrokenOne()
    {
        var world = new World();
        await world.PassAsync(null);
        var v1 = world.Revision("hello-00001");
        await world.PassAsync(Ready(v1.Spec.ContentHash));
        world.Change(Version("2"));
        await world.PassAsync(Ready(v1.Spec.ContentHash));
        var v2 = world.Revision("hello-00002");
        await world.PassAsync(Ready(v2.Spec.ContentHash));

        // Roll back by name, with a tag on the latest.
        world.Change(fn => fn.Spec.Traffic = [new TrafficTarget { RevisionName = "hello-00001", Percent = 100 }, new TrafficTarget { LatestRevision = true, Percent = 0, Tag = "next" }]);
        var pass = await world.PassAsync(Ready(v2.Spec.ContentHash));
        // v1 runs as the Function's workload; v2, tagged without a share, as a workload of its own at zero, which a
        // request to its tag's URL activates.
        Assert.Equal(
            [$"default/hello {v1.Spec.ContentHash}", $"default/hello-00002 {v2.Spec.ContentHash}"],
            pass.Ensured.Select(e => $"{e.Key} {e.Revision}"));
        Assert.Contains("ensure default/hello-00002 replicas=0", pass.Calls);
        Assert.Equal(["hello-00001:100", "hello-00002:0:next=http://127.0.0.1:8080/default/hello@next/:latest"], Traffic(world.Function.Status));
        Assert.Equal(["hello-00001", "hello-00002"], world.RevisionNames); // no spec change of what runs: no new revision
        Assert.Equal("True", Condition(world.Function.Status, ConditionTypes.RouteReady).Status);

        // Back to latest, then a broken v3: it is created and tried, fails, and the traffic stays on v2.
        world.Change(fn => fn.Spec.Traffic = null);
        await world.PassAsync(Ready(v1.Spec.ContentHash));
        world.Change(Version("3"));
        pass = await world.PassAsync(Ready(v2.Spec.ContentHash));
        var v3 = world.Revision("hello-00005");
        Assert.Equal(v3.Spec.ContentHash, Assert.Single(pass.Ensured).Revision);
        pass = await world.PassAsync(Failed(v3.Spec.ContentHash));
        Assert.Equal("False", ReadyOf(world.Revision("hello-00005")));
        Assert.Equal("StartFailed", world.Revision("hello-00005").Status!.Conditions!.First(c => c.Type == ConditionTypes.Ready).Reason);
        Assert.Equal(v2.Spec.ContentHash, Assert.Single(pass.Ensured).Revision); // the last ready revision runs again
        Assert.Equal("hello-00005", world.Function.Status!.LatestCreatedRevision);
        Assert.Equal("hello-00002", world.Function.Status.LatestReadyRevision);
        Assert.Equal(["hello-00002:100:latest"], Traffic(world.Function.Status));
    }

    [Fact]
    public async Task Reconcile_MissingRevisionThenSplit_RouteNotReadyThenOneWorkloadPerShare()
    {
        var world = new World();
        await world.PassAsync(null);
        var v1 = world.Revision("hello-00001");
        await world.PassAsync(Ready(v1.Spec.ContentHash));
        world.Change(Version("2"));
        await world.PassAsync(Ready(v1.Spec.ContentHash));
        var v2 = world.Revision("hello-00002");
        await world.PassAsync(Ready(v2.Spec.ContentHash));

        world.Change(fn => fn.Spec.Traffic = [new TrafficTarget { RevisionName = "hello-00009", Percent = 100 }]);
        var pass = await world.PassAsync(Ready(v2.Spec.ContentHash));
        var route = Condition(world.Function.Status, ConditionTypes.RouteReady);
        Assert.Equal(("False", "RevisionMissing"), (route.Status, route.Reason));
        Assert.Equal("Revision \"hello-00009\" referenced in traffic not found.", route.Message);
        Assert.Equal(["hello-00002:100:latest"], Traffic(world.Function.Status));
        Assert.Equal(v2.Spec.ContentHash, Assert.Single(pass.Ensured).Revision);

        // A split: the largest share is the Function's own workload, the other runs as a workload keyed by its revision.
        world.Change(fn => fn.Spec.Traffic = [new TrafficTarget { RevisionName = "hello-00001", Percent = 90 }, new TrafficTarget { RevisionName = "hello-00002", Percent = 10 }]);
        pass = await world.PassAsync(Ready(v2.Spec.ContentHash));
        route = Condition(world.Function.Status, ConditionTypes.RouteReady);
        Assert.Equal(("True", "RouteConfigured"), (route.Status, route.Reason));
        Assert.Equal(
            [$"default/hello {v1.Spec.ContentHash} ", $"default/hello-00002 {v2.Spec.ContentHash} hello"],
            pass.Ensured.Select(e => $"{e.Key} {e.Revision} {e.Function}"));
        Assert.Equal(["hello-00001:90", "hello-00002:10"], Traffic(world.Function.Status));

        // Back to one revision: the other's workload goes once its scale-to-zero grace (30 s) has passed, so that
        // requests the activator sent it before it saw the new split are still served.
        world.Change(fn => fn.Spec.Traffic = [new TrafficTarget { RevisionName = "hello-00001", Percent = 100 }]);
        pass = await world.PassAsync(Ready(v1.Spec.ContentHash), revisionWorkloads: true);
        Assert.DoesNotContain("delete default/hello-00002", pass.Calls);
        pass = await world.PassAsync(Ready(v1.Spec.ContentHash), revisionWorkloads: true, advance: TimeSpan.FromSeconds(20));
        Assert.DoesNotContain("delete default/hello-00002", pass.Calls);
        pass = await world.PassAsync(Ready(v1.Spec.ContentHash), revisionWorkloads: true, advance: TimeSpan.FromSeconds(10));
        Assert.Contains("delete default/hello-00002", pass.Calls);
    }

    [Fact]
    public async Task Reconcile_MissingRevisionWhilePinned_TheKeptSplitKeepsRunning()
    {
        // v1 pinned by name while v2 (ready, newer) waits at 0%: a spec naming a revision that does not exist keeps
        // the previous split in status.traffic, so the workloads must keep running that split, not the newest ready
        // revision (the activator would send v1's share to v2's instances).
        var world = new World();
        await world.PassAsync(null);
        var v1 = world.Revision("hello-00001");
        await world.PassAsync(Ready(v1.Spec.ContentHash));
        world.Change(Version("2"));
        await world.PassAsync(Ready(v1.Spec.ContentHash));
        var v2 = world.Revision("hello-00002");
        await world.PassAsync(Ready(v2.Spec.ContentHash));
        world.Change(fn => fn.Spec.Traffic = [new TrafficTarget { RevisionName = "hello-00001", Percent = 90 }, new TrafficTarget { RevisionName = "hello-00002", Percent = 10 }]);
        await world.PassAsync(Ready(v1.Spec.ContentHash));
        Assert.Equal(["hello-00001:90", "hello-00002:10"], Traffic(world.Function.Status));

        // Wholly missing, then partly missing: either way the route is False and the 90/10 split goes on running.
        TrafficTarget[][] specs =
        [
            [new TrafficTarget { RevisionName = "hello-00009", Percent = 100 }],
            [new TrafficTarget { RevisionName = "hello-00001", Percent = 50 }, new TrafficTarget { RevisionName = "hello-00009", Percent = 50 }],
        ];
        foreach (var spec in specs)
        {
            world.Change(fn => fn.Spec.Traffic = [.. spec]);
            var pass = await world.PassAsync(Ready(v1.Spec.ContentHash));
            Assert.Equal(("False", "RevisionMissing"), (Condition(world.Function.Status, ConditionTypes.RouteReady).Status, Condition(world.Function.Status, ConditionTypes.RouteReady).Reason));
            Assert.Equal(["hello-00001:90", "hello-00002:10"], Traffic(world.Function.Status));
            Assert.Equal(
                [$"default/hello {v1.Spec.ContentHash} ", $"default/hello-00002 {v2.Spec.ContentHash} hello"],
                pass.Ensured.Select(e => $"{e.Key} {e.Revision} {e.Function}"));
        }
    }

    [Fact]
    public async Task Reconcile_FunctionDeleted_DeletesItsRevisionsOnly()
    {
        var world = new World();
        await world.PassAsync(null);
        await world.Revisions.CreateAsync(new Revision
        {
            Metadata = new() { Name = "other-00001", NamespaceProperty = "default", Labels = new Dictionary<string, string> { [RevisionNames.FunctionLabel] = "other" } },
            Spec = new RevisionSpec { Function = "other" },
        });

        world.Deleted = true;
        var pass = await world.PassAsync(null);

        Assert.Equal(["delete default/hello", "delete default/hello-00001"], pass.Calls); // the Function's workload, then any of its revisions
        Assert.Equal(["other-00001"], world.RevisionNames);
    }

    [Fact]
    public async Task Reconcile_ManyInactiveRevisions_CollectsBeyondRetention()
    {
        var world = new World(new Serverless.Controller.Reconcilers.Function.Revisions.RevisionRetention { MinNonActiveRevisions = 2, RetainSinceCreateTime = TimeSpan.FromHours(1) });
        for (var version = 1; version <= 6; version++)
        {
            world.Change(Version(version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            await world.PassAsync(null);
            await world.PassAsync(Ready(world.Revisions.Items.OrderBy(r => r.Metadata.Name, StringComparer.Ordinal).Last().Spec.ContentHash));
        }

        Assert.Equal(6, world.RevisionNames.Count); // young: all kept

        world.Revisions.Age(TimeSpan.FromHours(2));
        await world.PassAsync(Ready(world.Revision("hello-00007").Spec.ContentHash));

        // hello-00007 serves; of the five without traffic the two newest stay.
        Assert.Equal(["hello-00005", "hello-00006", "hello-00007"], world.RevisionNames);
    }

    /// <summary>A new version of the code, as far as a revision can tell: the VERSION variable set to <paramref name="version"/>.</summary>
    private static Action<FunctionResource> Version(string version) => fn => fn.Spec.Env = [new EnvVar { Name = "VERSION", Value = version }];

    private static WorkloadStatus Ready(string? hash) => new() { Revision = hash!, DesiredReplicas = 1, Replicas = 1, ReadyReplicas = 1 };

    private static WorkloadStatus Starting(string? hash) => new() { Revision = hash!, DesiredReplicas = 1, Replicas = 2, ReadyReplicas = 0 };

    private static WorkloadStatus Failed(string? hash) =>
        new() { Revision = hash!, DesiredReplicas = 1, Replicas = 1, ReadyReplicas = 0, Failure = new(WorkloadFailureReason.StartFailed, "exit 1") };

    private static k8s.Models.V1Condition Condition(FunctionStatus? status, string type) => status!.Conditions!.First(c => c.Type == type);

    private static string? ReadyOf(Revision revision) => revision.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready)?.Status;

    private static string[] Traffic(FunctionStatus? status) =>
        (status?.Traffic ?? []).Select(t => $"{t.RevisionName}:{t.Percent}" + (t.Tag is { } tag ? $":{tag}={t.Url}" : "") + (t.LatestRevision == true ? ":latest" : "")).ToArray();

    private sealed class World
    {
        private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        private readonly Serverless.Controller.Reconcilers.Function.Revisions.RevisionRetention? _retention;

        public World(Serverless.Controller.Reconcilers.Function.Revisions.RevisionRetention? retention = null)
        {
            _retention = retention;
            Revisions = new MemoryRevisionStore(_time);
        }

        public MemoryRevisionStore Revisions { get; }

        public FunctionResource Function { get; } = Serverless.Core.Tests.Builders.TestFunctions.Function("default", "hello", WithGeneration(1));

        public bool Deleted { get; set; }

        public List<string> RevisionNames => Revisions.Items.Select(r => r.Metadata.Name).ToList();

        public Revision Revision(string name) => Revisions.Items.Single(r => r.Metadata.Name == name);

        /// <summary>A user's edit: the spec changes and the generation goes up, as the API server does.</summary>
        public void Change(Action<FunctionResource> edit)
        {
            edit(Function);
            Function.Metadata.Generation++;
        }

        /// <param name="revisionWorkloads">The fake reports a workload for every key (so revision workloads look alive).</param>
        /// <param name="advance">Virtual time before the pass besides the one second every pass takes.</param>
        public async Task<RecordingWorkloadManager> PassAsync(WorkloadStatus? observed, bool revisionWorkloads = false, TimeSpan advance = default)
        {
            _time.Advance(TimeSpan.FromSeconds(1) + advance);
            var store = new RecordingFunctionStore(Deleted ? [] : [Function]);
            var functions = new ResourceInformer<FunctionResource>(store, null, TimeProvider.System, NullLogger.Instance);
            using (var stop = new CancellationTokenSource())
            {
                var run = functions.RunAsync(stop.Token);
                await functions.WaitForSyncAsync(CancellationToken.None);
                await stop.CancelAsync();
                await run;
            }

            var workloads = new RecordingWorkloadManager { Observed = observed, ObservedOnlyForFunction = !revisionWorkloads };
            var options = new ControllerOptions
            {
                FunctionUrl = _ => Url,
                TagUrl = (key, tag) => $"http://127.0.0.1:8080/{key.Namespace}/{key.Name}@{tag}/",
                RevisionRetention = _retention ?? new(),
            };
            var reconciler = new FunctionReconciler(
                functions, store, workloads, options, new ControllerMetrics(Prometheus.Metrics.NewCustomRegistry()), _time, NullLogger.Instance, null, Revisions);
            var result = await reconciler.ReconcileAsync(new FunctionKey("default", "hello"), CancellationToken.None);
            Assert.Equal(ReconcileResult.Success, result);
            if (store.StatusWrites.Count > 0)
            {
                Function.Status = store.StatusWrites[^1].Status;
            }

            return workloads;
        }

        private static Action<FunctionResource> WithGeneration(long generation) => fn => fn.Metadata.Generation = generation;
    }
}
