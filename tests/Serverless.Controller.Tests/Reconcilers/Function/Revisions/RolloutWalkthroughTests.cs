using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Controller.Metrics;
using Serverless.Controller.Reconcilers;
using Serverless.Controller.Reconcilers.Function;
using Serverless.Controller.Tests.Fakes;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Traffic;
using Serverless.Hosting.Informers;
using Serverless.TestSupport;
using FunctionResource = Serverless.Core.Api.Function;

namespace Serverless.Controller.Tests.Reconcilers.Function.Revisions;

/// <summary>
/// Gradual rollout through the reconciler on virtual time: the new revision starts beside the serving one, takes its
/// share in steps only while its instances are ready for it, and a failure on the way sends the traffic back.
/// </summary>
public sealed class RolloutWalkthroughTests
{
    private static readonly FunctionKey V1Key = new("default", "hello-00001");
    private static readonly FunctionKey V2Key = new("default", "hello-00002");

    [Fact]
    public async Task Reconcile_RolloutOver4s_StepsOnlyWhenDueAndReadyThenCompletes()
    {
        var world = new World(annotation: (RolloutDuration.Annotation, "4s"));
        var v1 = await world.DeployV1Async();

        world.Change(Version("2"));
        var pass = await world.PassAsync(Ready(v1), []);
        var v2 = world.Hash("hello-00002");
        // v1 keeps the Function's workload; v2 starts beside it under its own name; the traffic has not moved.
        Assert.Equal([$"default/hello {v1}", $"default/hello-00002 {v2}"], pass.Ensured.Select(e => $"{e.Key} {e.Revision}"));
        Assert.Equal(["hello-00001:100:latest"], Traffic(world.Function.Status));

        pass = await world.PassAsync(Ready(v1), new() { [V2Key] = Ready(v2) });
        Assert.Equal(["hello-00001:75:latest", "hello-00002:25:latest"], Traffic(world.Function.Status));
        Assert.Equal((25, 100, 25, 1000L), (world.Function.Status!.Rollout!.Percent, world.Function.Status.Rollout.TargetPercent, world.Function.Status.Rollout.StepPercent, world.Function.Status.Rollout.StepIntervalMilliseconds));
        Assert.Equal(("Unknown", "RolloutInProgress"), Rollout(world.Function.Status));
        Assert.Equal("hello-00002", world.Function.Status.LatestReadyRevision);
        Assert.Equal(TimeSpan.FromSeconds(1), world.Requeued);
        Assert.Equal(25, world.Revision("hello-00002").Status!.TrafficPercent);

        // Not due yet: nothing moves, and the next pass is asked for at the step time.
        await world.PassAsync(Ready(v1), new() { [V2Key] = Ready(v2) }, TimeSpan.FromMilliseconds(400));
        Assert.Equal(["hello-00001:75:latest", "hello-00002:25:latest"], Traffic(world.Function.Status));
        Assert.Equal(TimeSpan.FromMilliseconds(600), world.Requeued);

        // Due, but v2's autoscaler wants 2 instances and 1 is ready: the step waits for them.
        await world.PassAsync(Ready(v1), new() { [V2Key] = Ready(v2, desired: 2, ready: 1) }, TimeSpan.FromSeconds(1));
        Assert.Equal(["hello-00001:75:latest", "hello-00002:25:latest"], Traffic(world.Function.Status));

        await world.PassAsync(Ready(v1), new() { [V2Key] = Ready(v2, desired: 2, ready: 2) }, TimeSpan.FromMilliseconds(100));
        Assert.Equal(["hello-00001:50:latest", "hello-00002:50:latest"], Traffic(world.Function.Status));

        // Past half the share the new revision is the main one (the Function's workload), the previous one runs under its name.
        pass = await world.PassAsync(Ready(v1), new() { [V2Key] = Ready(v2) }, TimeSpan.FromSeconds(1));
        Assert.Equal(["hello-00001:25:latest", "hello-00002:75:latest"], Traffic(world.Function.Status));
        Assert.Equal([$"default/hello {v2}", $"default/hello-00001 {v1}"], pass.Ensured.Select(e => $"{e.Key} {e.Revision}"));

        pass = await world.PassAsync(Ready(v2), new() { [V1Key] = Ready(v1) }, TimeSpan.FromSeconds(1));
        Assert.Equal(["hello-00002:100:latest"], Traffic(world.Function.Status));
        Assert.Null(world.Function.Status!.Rollout);
        Assert.Equal(("True", "RolloutComplete"), Rollout(world.Function.Status));
        // v1's workload stays for its scale-to-zero grace (requests routed to it before the activator saw 100% still
        // find it), then goes.
        Assert.DoesNotContain("delete default/hello-00001", pass.Calls);
        Assert.Equal(TimeSpan.FromSeconds(30), world.Requeued);
        pass = await world.PassAsync(Ready(v2), new() { [V1Key] = Ready(v1) }, TimeSpan.FromSeconds(29));
        Assert.DoesNotContain("delete default/hello-00001", pass.Calls);
        pass = await world.PassAsync(Ready(v2), new() { [V1Key] = Ready(v1) }, TimeSpan.FromSeconds(1));
        Assert.Contains("delete default/hello-00001", pass.Calls);
        Assert.Null(world.Requeued);
    }

    [Fact]
    public async Task Reconcile_NewRevisionFailsMidRollout_AbortsAndSendsTheTrafficBack()
    {
        // Knative's annotation works too, here over the platform's default of no rollout.
        var world = new World(annotation: (RolloutDuration.KnativeAnnotation, "10s"));
        var v1 = await world.DeployV1Async();
        world.Change(Version("2"));
        await world.PassAsync(Ready(v1), []);
        var v2 = world.Hash("hello-00002");
        await world.PassAsync(Ready(v1), new() { [V2Key] = Ready(v2) });
        await world.PassAsync(Ready(v1), new() { [V2Key] = Ready(v2) }, TimeSpan.FromSeconds(1));
        Assert.Equal(["hello-00001:80:latest", "hello-00002:20:latest"], Traffic(world.Function.Status));

        var pass = await world.PassAsync(Ready(v1), new() { [V2Key] = Failed(v2) }, TimeSpan.FromSeconds(1));

        Assert.Equal(["hello-00001:100:latest"], Traffic(world.Function.Status));
        Assert.Null(world.Function.Status!.Rollout);
        Assert.Equal(("False", "RolloutAborted"), Rollout(world.Function.Status));
        Assert.Equal(
            "Revision \"hello-00002\" failed readiness at 20% of the traffic: its rollout was aborted and the traffic is back on \"hello-00001\".",
            world.Function.Status.Conditions!.Single(c => c.Type == ConditionTypes.Rollout).Message);
        Assert.Equal("hello-00001", world.Function.Status.LatestReadyRevision);
        Assert.Equal([$"default/hello {v1}"], pass.Ensured.Select(e => $"{e.Key} {e.Revision}"));
        Assert.Contains("delete default/hello-00002", pass.Calls);
        Assert.Equal("True", Condition(world.Function.Status, ConditionTypes.Ready).Status); // v1 serves throughout

        // The condition stays while nothing else rolls.
        await world.PassAsync(Ready(v1), [], TimeSpan.FromSeconds(1));
        Assert.Equal(("False", "RolloutAborted"), Rollout(world.Function.Status));
    }

    [Fact]
    public async Task Reconcile_PlatformDurationButAnnotationZero_MovesAtOnce()
    {
        var world = new World(annotation: (RolloutDuration.Annotation, "0s"), platformDuration: TimeSpan.FromMinutes(5));
        var v1 = await world.DeployV1Async();
        world.Change(Version("2"));
        var pass = await world.PassAsync(Ready(v1), []);
        var v2 = world.Hash("hello-00002");
        Assert.Equal([$"default/hello {v2}"], pass.Ensured.Select(e => $"{e.Key} {e.Revision}")); // no roll-in beside v1

        await world.PassAsync(Ready(v2), []);
        Assert.Equal(["hello-00002:100:latest"], Traffic(world.Function.Status));
        Assert.Null(world.Function.Status!.Rollout);
    }

    [Fact]
    public async Task Reconcile_PlatformDurationOnly_RollsIn()
    {
        var world = new World(annotation: null, platformDuration: TimeSpan.FromSeconds(2));
        var v1 = await world.DeployV1Async();
        world.Change(Version("2"));
        await world.PassAsync(Ready(v1), []);
        var v2 = world.Hash("hello-00002");
        await world.PassAsync(Ready(v1), new() { [V2Key] = Ready(v2) });
        Assert.Equal(["hello-00001:50:latest", "hello-00002:50:latest"], Traffic(world.Function.Status));
    }

    [Fact]
    public async Task Reconcile_RevisionLosesItsShareUnderEagerGc_IsCollectedOnlyOnceItsWorkloadIsGone()
    {
        var world = new World(null, retention: new() { MinNonActiveRevisions = 0, RetainSinceCreateTime = TimeSpan.Zero });
        var v1 = await world.DeployV1Async();
        world.Change(fn =>
        {
            Version("2")(fn);
            fn.Spec.Traffic = [new TrafficTarget { RevisionName = "hello-00002", Percent = 50 }, new TrafficTarget { RevisionName = "hello-00001", Percent = 50 }];
        });
        await world.PassAsync(Ready(v1), []);
        var v2 = world.Hash("hello-00002");
        await world.PassAsync(Ready(v2), new() { [V1Key] = Ready(v1) });
        Assert.Equal(["hello-00002:50", "hello-00001:50"], Traffic(world.Function.Status)); // v2 main, v1 under its name

        // v1 loses its share: its workload retires over the grace, and the revision is kept while it runs.
        world.Change(fn => fn.Spec.Traffic = [new TrafficTarget { RevisionName = "hello-00002", Percent = 100 }]);
        var pass = await world.PassAsync(Ready(v2), new() { [V1Key] = Ready(v1) }, TimeSpan.FromSeconds(1));
        Assert.DoesNotContain("delete default/hello-00001", pass.Calls);
        Assert.Contains("hello-00001", world.Revisions.Items.Select(r => r.Metadata.Name));

        pass = await world.PassAsync(Ready(v2), new() { [V1Key] = Ready(v1) }, TimeSpan.FromSeconds(31));
        Assert.Contains("delete default/hello-00001", pass.Calls);
        await world.PassAsync(Ready(v2), [], TimeSpan.FromSeconds(1)); // the workload is gone now
        Assert.DoesNotContain("hello-00001", world.Revisions.Items.Select(r => r.Metadata.Name));
    }

    private static Action<FunctionResource> Version(string version) => fn => fn.Spec.Env = [new EnvVar { Name = "VERSION", Value = version }];

    private static WorkloadStatus Ready(string hash, int desired = 1, int ready = 1) => new() { Revision = hash, DesiredReplicas = desired, Replicas = desired, ReadyReplicas = ready };

    private static WorkloadStatus Failed(string hash) =>
        new() { Revision = hash, DesiredReplicas = 1, Replicas = 1, ReadyReplicas = 0, Failure = new(WorkloadFailureReason.StartFailed, "exit 1") };

    private static k8s.Models.V1Condition Condition(FunctionStatus? status, string type) => status!.Conditions!.First(c => c.Type == type);

    private static (string, string) Rollout(FunctionStatus? status) => Condition(status, ConditionTypes.Rollout) is var c ? (c.Status, c.Reason) : default;

    private static string[] Traffic(FunctionStatus? status) =>
        (status?.Traffic ?? []).Select(t => $"{t.RevisionName}:{t.Percent}" + (t.Tag is { } tag ? $":{tag}" : "") + (t.LatestRevision == true ? ":latest" : "")).ToArray();

    private sealed class World((string Key, string Value)? annotation, TimeSpan platformDuration = default, Serverless.Controller.Reconcilers.Function.Revisions.RevisionRetention? retention = null)
    {
        private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

        public MemoryRevisionStore Revisions { get; } = new(new ManualTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero)));

        public FunctionResource Function { get; } = Serverless.Core.Tests.Builders.TestFunctions.Function("default", "hello", fn =>
        {
            fn.Metadata.Generation = 1;
            if (annotation is { } a)
            {
                fn.Metadata.Annotations = new Dictionary<string, string> { [a.Key] = a.Value };
            }
        });

        /// <summary>The delay the last pass asked to be reconciled again after, or null.</summary>
        public TimeSpan? Requeued { get; private set; }

        public Revision Revision(string name) => Revisions.Items.Single(r => r.Metadata.Name == name);

        public string Hash(string revision) => Revision(revision).Spec.ContentHash!;

        public void Change(Action<FunctionResource> edit)
        {
            edit(Function);
            Function.Metadata.Generation++;
        }

        /// <summary>v1 deployed and ready, with 100% of the traffic; returns its hash.</summary>
        public async Task<string> DeployV1Async()
        {
            await PassAsync(null, []);
            var v1 = Hash("hello-00001");
            await PassAsync(Ready(v1), []);
            Assert.Equal(["hello-00001:100:latest"], Traffic(Function.Status));
            return v1;
        }

        /// <param name="main">The status of the Function's own workload.</param>
        /// <param name="others">The statuses of workloads keyed by a revision's name; any other key has none.</param>
        /// <param name="advance">Virtual time before the pass (default: none).</param>
        public async Task<RecordingWorkloadManager> PassAsync(WorkloadStatus? main, Dictionary<FunctionKey, WorkloadStatus> others, TimeSpan advance = default)
        {
            _time.Advance(advance);
            var store = new RecordingFunctionStore([Function]);
            var functions = new ResourceInformer<FunctionResource>(store, null, TimeProvider.System, NullLogger.Instance);
            using (var stop = new CancellationTokenSource())
            {
                var run = functions.RunAsync(stop.Token);
                await functions.WaitForSyncAsync(CancellationToken.None);
                await stop.CancelAsync();
                await run;
            }

            var workloads = new RecordingWorkloadManager { Observed = main, ObservedOnlyForFunction = true };
            foreach (var (key, status) in others)
            {
                workloads.ByKey[key] = status;
            }

            var options = new ControllerOptions
            {
                FunctionUrl = _ => "http://127.0.0.1:8080/default/hello/",
                TagUrl = (key, tag) => $"http://127.0.0.1:8080/{key.Namespace}/{key.Name}@{tag}/",
                RolloutDuration = platformDuration,
                RevisionRetention = retention ?? new(),
            };
            var reconciler = new FunctionReconciler(
                functions, store, workloads, options, new ControllerMetrics(Prometheus.Metrics.NewCustomRegistry()), _time, NullLogger.Instance, null, Revisions);
            Requeued = null;
            reconciler.RequeueAfter = (_, delay) => Requeued = delay;
            var result = await reconciler.ReconcileAsync(new FunctionKey("default", "hello"), CancellationToken.None);
            Assert.Equal(ReconcileResult.Success, result);
            if (store.StatusWrites.Count > 0)
            {
                Function.Status = store.StatusWrites[^1].Status;
            }

            return workloads;
        }
    }
}
