using System.Text.Json;
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
using static Serverless.Controller.Tests.Builders.ReconcilerFunctions;
using static Serverless.Core.Tests.Builders.TestFunctions;
using FunctionResource = Serverless.Core.Api.Function;

namespace Serverless.Controller.Tests.Reconcilers.Function;

/// <summary>
/// <see cref="FunctionReconciler"/>'s rules as a table: the Function in the cache, the workload the manager
/// observes and an injected failure in; the calls on the workload manager, the status written and the result
/// out. One pass per row, against a recording <see cref="IWorkloadManager"/> and store.
/// </summary>
public sealed class FunctionReconcilerTests
{
    private const string Url = "http://127.0.0.1:8080/default/hello/";
    private const string Hello = "default/hello";

    /// <summary>Stands for the revision of the row's spec (a content hash) in an expected status.</summary>
    private const string Current = "(the spec's revision)";

    private const string Old = "0123456789abcdef";

    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly Row[] Rows =
    [
        // What to run, and with how many instances if it does not exist yet.
        new("new function: ensured at the default initialScale 1, Deploying until the workload shows",
            Fn(), Observed: null,
            [Ensure(1)], Status(Unknown("Deploying"), Unknown("Deploying"), True("RouteConfigured"), 0, 0), ReconcileResult.Success),
        new("new function with initialScale 3: created with 3",
            Fn(WithInitialScale(3)), Observed: null,
            [Ensure(3)], Status(Unknown("Deploying"), Unknown("Deploying"), True("RouteConfigured"), 0, 0), ReconcileResult.Success),
        new("new function with minScale 2 above the default initialScale: created with 2",
            Fn(WithMinScale(2)), Observed: null,
            [Ensure(2)], Status(Unknown("Deploying"), Unknown("Deploying"), True("RouteConfigured"), 0, 0), ReconcileResult.Success),
        new("new function with initialScale 0: created scaled to zero, and that is Ready",
            Fn(WithInitialScale(0)), Workload(desired: 0, replicas: 0, ready: 0),
            [Ensure(0)], Status(True("Ready"), True("ScaledToZero"), True("RouteConfigured"), 0, 0), ReconcileResult.Success),
        new("spec changed (a new revision): rolls out at initialScale, not minScale",
            Fn(WithGeneration(2), WithMinScale(1), WithInitialScale(2), WithStatus(1, Url, 1, 1, latestRevision: Old)), Workload(desired: 1, replicas: 2, ready: 0),
            [Ensure(2)], Status(Unknown("Deploying"), Unknown("Deploying"), True("RouteConfigured"), 2, 0) with { Generation = 2 }, ReconcileResult.Success),
        new("platform restart (the status records this revision): back at minScale, not initialScale",
            Fn(WithMinScale(1), WithInitialScale(3), WithStatus(1, Url), WithRevisionAlreadyRun()), Observed: null,
            [Ensure(1)], Status(Unknown("Deploying"), Unknown("Deploying"), True("RouteConfigured"), 0, 0), ReconcileResult.Success),
        new("newer generation, same revision (a scale-only change): minScale, and the status observes the generation",
            Fn(WithGeneration(3), WithMinScale(1), WithInitialScale(2), WithMaxScale(5), WithStatus(2, Url, 1, 1), WithRevisionAlreadyRun()), Workload(desired: 1, replicas: 1, ready: 1),
            [Ensure(1)], Status(True("Ready"), True("InstancesReady"), True("RouteConfigured"), 1, 1) with { Generation = 3 }, ReconcileResult.Success),

        // The status, from what the workload manager observes.
        new("ready workload: Ready True",
            Fn(), Workload(desired: 2, replicas: 2, ready: 2),
            [Ensure(1)], Status(True("Ready"), True("InstancesReady"), True("RouteConfigured"), 2, 2), ReconcileResult.Success),
        new("starting workload: Ready Unknown",
            Fn(), Workload(desired: 1, replicas: 1, ready: 0),
            [Ensure(1)], Status(Unknown("Deploying"), Unknown("Deploying"), True("RouteConfigured"), 1, 0), ReconcileResult.Success),
        new("instance failed to start: Ready False StartFailed, with the failure's message",
            Fn(), Workload(desired: 1, replicas: 1, ready: 0) with { Failure = new(WorkloadFailureReason.StartFailed, "exit 1: handler not found") },
            [Ensure(1)], Status(False("StartFailed"), False("StartFailed"), True("RouteConfigured"), 1, 0) with { ReadyMessage = "handler not found" }, ReconcileResult.Success),
        new("instances crash-loop: Ready False CrashLoop, even while another instance is ready",
            Fn(), Workload(desired: 2, replicas: 2, ready: 1) with { Failure = new(WorkloadFailureReason.CrashLoop, "exit 3: boom") },
            [Ensure(1)], Status(False("CrashLoop"), False("CrashLoop"), True("RouteConfigured"), 2, 1), ReconcileResult.Success),
        new("runtime unavailable: Ready False RuntimeUnavailable",
            Fn(), Workload(desired: 1, replicas: 0, ready: 0) with { Failure = new(WorkloadFailureReason.RuntimeUnavailable, "exceeded quota") },
            [Ensure(1)], Status(False("RuntimeUnavailable"), False("RuntimeUnavailable"), True("RouteConfigured"), 0, 0), ReconcileResult.Success),
        new("ingress address not known yet: RouteReady and Ready Unknown though instances are ready, no url",
            Fn(), Workload(desired: 1, replicas: 1, ready: 1),
            [Ensure(1)], Status(Unknown("RouteNotConfigured"), True("InstancesReady"), Unknown("RouteNotConfigured"), 1, 1) with { Url = null }, ReconcileResult.Success)
        {
            Url = null,
        },

        // Invalid and deleted Functions.
        new("invalid spec: the workload is deleted, never ensured; InvalidSpec",
            Fn(WithMinScale(3), WithMaxScale(1)), Workload(desired: 1, replicas: 1, ready: 1),
            [Delete()], Status(False("InvalidSpec"), False("InvalidSpec"), Unknown("InvalidSpec"), 0, 0) with { Url = null, LatestRevision = null, ReadyMessage = "spec.scale.maxScale" },
            ReconcileResult.Success),
        new("invalid spec after a valid one ran: the last status's url, counts and revision are kept",
            Fn(WithGeneration(2), WithMinScale(3), WithMaxScale(1), WithStatus(1, Url, 2, 2, latestRevision: Old)), Workload(desired: 2, replicas: 2, ready: 2),
            [Delete()], Status(False("InvalidSpec"), False("InvalidSpec"), Unknown("InvalidSpec"), 2, 2) with { Generation = 2, LatestRevision = Old },
            ReconcileResult.Success),
        new("function gone from the cache: its workload is deleted, no status",
            Function: null, Observed: null,
            [Delete()], Status: null, ReconcileResult.Success),

        // Injected failures.
        new("deleting fails: the error propagates (the queue retries the key with backoff)",
            Function: null, Observed: null,
            [Delete()], Status: null, Result: null)
        {
            Inject = Failure.DeleteFails,
            Throws = typeof(StoreException),
        },

        // A failed ensure reaches the status (issue #20): Ready False with the reason and the error's message, the
        // revision left at the one last run (the new one did not roll out), and Error so the queue retries with backoff.
        new("ensure fails: Ready False ReconcileFailed with the error's message, written, and retried",
            Fn(), Workload(desired: 1, replicas: 1, ready: 1),
            [Ensure(1)], Status(False("ReconcileFailed"), False("ReconcileFailed"), True("RouteConfigured"), 1, 1) with { LatestRevision = null, ReadyMessage = "controlled by someone else" },
            ReconcileResult.Error)
        {
            Inject = Failure.EnsureFails,
        },
        new("a Deployment or Service of the name is not the Function's: Ready False NotOwned naming it, retried",
            Fn(WithStatus(1, Url, 1, 1, latestRevision: Old)), Observed: null,
            [Ensure(1)], Status(False("NotOwned"), False("NotOwned"), True("RouteConfigured"), 1, 1) with { LatestRevision = Old, ReadyMessage = "Service default/hello" },
            ReconcileResult.Error)
        {
            Inject = Failure.NotOwned,
        },
        new("status write conflicts (the cache is behind the store): Conflict, requeued; the newer version triggers another pass",
            Fn(), Workload(desired: 1, replicas: 1, ready: 1),
            [Ensure(1)], Status(True("Ready"), True("InstancesReady"), True("RouteConfigured"), 1, 1), ReconcileResult.Conflict)
        {
            Inject = Failure.StatusConflict,
        },
        new("function deleted while its status is written: Conflict, the deletion comes next",
            Fn(), Workload(desired: 1, replicas: 1, ready: 1),
            [Ensure(1)], Status(True("Ready"), True("InstancesReady"), True("RouteConfigured"), 1, 1), ReconcileResult.Conflict)
        {
            Inject = Failure.StatusNotFound,
        },
        new("status write refused otherwise: the error propagates",
            Fn(), Workload(desired: 1, replicas: 1, ready: 1),
            [Ensure(1)], Status(True("Ready"), True("InstancesReady"), True("RouteConfigured"), 1, 1), Result: null)
        {
            Inject = Failure.StatusInvalid,
            Throws = typeof(StoreException),
        },
    ];

    public enum Failure
    {
        None,
        EnsureFails,
        NotOwned,
        DeleteFails,
        StatusConflict,
        StatusNotFound,
        StatusInvalid,
    }

    public static TheoryData<string> Labels => new(Rows.Select(r => r.Label));

    [Theory]
    [MemberData(nameof(Labels))]
    public async Task ReconcileAsync_Row_ExpectedCallsStatusAndResult(string label)
    {
        var row = Rows.Single(r => r.Label == label);
        var unit = await UnitAsync(row.Function, row.Url, Now);
        unit.Workloads.Observed = row.Observed;
        Inject(unit, row.Inject);

        var (result, error) = await ReconcileAsync(unit);

        Assert.Equal(row.Calls, unit.Workloads.Calls);
        foreach (var spec in unit.Workloads.Ensured)
        {
            // Exactly what the Function says to run (the builder's output, tested in core).
            Assert.Equal(Json(WorkloadSpecBuilder.Build(row.Function!)), Json(spec));
        }

        Assert.Equal(row.Result, result);
        Assert.Equal(row.Throws, error?.GetType());
        Assert.Equal(1, unit.Metrics.ReconcileTotal.WithLabels("Function", row.Result?.ToString().ToLowerInvariant() ?? "error").Value);
        if (row.Status is not { } expected)
        {
            Assert.Empty(unit.Store.StatusWrites);
            return;
        }

        var written = Assert.Single(unit.Store.StatusWrites).Status!;
        Assert.Equal(expected.Ready, Condition(written, ConditionTypes.Ready));
        Assert.Equal(expected.WorkloadReady, Condition(written, ConditionTypes.WorkloadReady));
        Assert.Equal(expected.RouteReady, Condition(written, ConditionTypes.RouteReady));
        Assert.Equal(expected.Replicas, written.Replicas);
        Assert.Equal(expected.ReadyReplicas, written.ReadyReplicas);
        Assert.Equal(expected.Url, written.Url);
        Assert.Equal(expected.Generation, written.ObservedGeneration);
        Assert.Equal(expected.LatestRevision == Current ? WorkloadSpecBuilder.Revision(row.Function!.Spec) : expected.LatestRevision, written.LatestRevision);
        if (expected.ReadyMessage is { } message)
        {
            Assert.Contains(message, written.Conditions!.Single(c => c.Type == ConditionTypes.Ready).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ReconcileAsync_SameWorldAgainLater_WritesNoStatus()
    {
        var serving = Workload(desired: 1, replicas: 1, ready: 1);
        var first = await UnitAsync(Fn(), Url, Now);
        first.Workloads.Observed = serving;
        Assert.Equal(ReconcileResult.Success, (await ReconcileAsync(first)).Result);
        var stored = Assert.Single(first.Store.StatusWrites);

        // The next pass (a resync five minutes on) sees the Function with the status the first one wrote.
        var again = await UnitAsync(stored, Url, Now.AddMinutes(5));
        again.Workloads.Observed = serving;
        var (result, error) = await ReconcileAsync(again);

        Assert.Null(error);
        Assert.Equal(ReconcileResult.Success, result);
        Assert.Empty(again.Store.StatusWrites);
        // Still ensured (level-based), now at minScale: the status records that this revision ran.
        Assert.Equal([Ensure(0)], again.Workloads.Calls);
    }

    [Fact]
    public async Task ReconcileAsync_WorkloadTurnsReady_WritesAgainWithNewTransitionTime()
    {
        var first = await UnitAsync(Fn(), Url, Now);
        first.Workloads.Observed = Workload(desired: 1, replicas: 1, ready: 0);
        await ReconcileAsync(first);
        var stored = Assert.Single(first.Store.StatusWrites);

        var later = Now.AddSeconds(42);
        var again = await UnitAsync(stored, Url, later);
        again.Workloads.Observed = Workload(desired: 1, replicas: 1, ready: 1);
        await ReconcileAsync(again);

        var conditions = Assert.Single(again.Store.StatusWrites).Status!.Conditions!;
        Assert.Equal(later.UtcDateTime, conditions.Single(c => c.Type == ConditionTypes.Ready).LastTransitionTime);
        // RouteReady held True: it keeps the time of the first pass.
        Assert.Equal(Now.UtcDateTime, conditions.Single(c => c.Type == ConditionTypes.RouteReady).LastTransitionTime);
    }

    [Theory]
    [InlineData(Failure.EnsureFails, "Warning ReconcileFailed Function/hello: Deployment default/hello is controlled by someone else")]
    [InlineData(Failure.NotOwned, "Warning NotOwned Function/hello: Service default/hello exists and is not owned by this Function; it is left alone")]
    public async Task ReconcileAsync_EnsureFails_RecordsAWarningEventEachPass(Failure failure, string expected)
    {
        var unit = await UnitAsync(Fn(), Url, Now);
        Inject(unit, failure);

        await ReconcileAsync(unit);
        await ReconcileAsync(unit);

        // Every failed pass records it; the Kubernetes recorder counts the repeats on one Event.
        Assert.Equal([expected, expected], unit.Events.Events);
    }

    [Fact]
    public async Task ReconcileAsync_InvalidSpec_OneEventUntilTheStatusChanges()
    {
        var first = await UnitAsync(Fn(WithMinScale(3), WithMaxScale(1)), Url, Now);
        await ReconcileAsync(first);
        var again = await UnitAsync(Assert.Single(first.Store.StatusWrites), Url, Now.AddSeconds(30));
        await ReconcileAsync(again);

        Assert.Contains("Warning InvalidSpec Function/hello: ", Assert.Single(first.Events.Events), StringComparison.Ordinal);
        Assert.Empty(again.Events.Events);
    }

    [Fact]
    public async Task ReconcileAsync_AnyOutcome_EveryConditionCarriesTheGeneration()
    {
        foreach (var failure in new[] { Failure.None, Failure.EnsureFails })
        {
            var unit = await UnitAsync(Fn(WithGeneration(4)), Url, Now);
            Inject(unit, failure);

            await ReconcileAsync(unit);

            var written = Assert.Single(unit.Store.StatusWrites).Status!;
            Assert.Equal(4, written.ObservedGeneration);
            Assert.All(written.Conditions!, c => Assert.Equal(4, c.ObservedGeneration));
        }
    }

    private static FunctionResource Fn(params Action<FunctionResource>[] options) =>
        TestFunction("default", "hello", [WithGeneration(1), .. options]);

    private static WorkloadStatus Workload(int desired, int replicas, int ready) =>
        new() { Revision = "observed", DesiredReplicas = desired, Replicas = replicas, ReadyReplicas = ready };

    private static string Ensure(int replicas) => $"ensure {Hello} replicas={replicas}";

    private static string Delete() => $"delete {Hello}";

    private static ExpectedStatus Status(ExpectedCondition ready, ExpectedCondition workloadReady, ExpectedCondition routeReady, int replicas, int readyReplicas) =>
        new(ready, workloadReady, routeReady, replicas, readyReplicas);

    private static ExpectedCondition True(string reason) => new(ConditionStatus.True, reason);

    private static ExpectedCondition False(string reason) => new(ConditionStatus.False, reason);

    private static ExpectedCondition Unknown(string reason) => new(ConditionStatus.Unknown, reason);

    private static ExpectedCondition Condition(FunctionStatus status, string type)
    {
        var condition = status.Conditions!.Single(c => c.Type == type);
        return new ExpectedCondition(condition.Status, condition.Reason);
    }

    private static string Json(WorkloadSpec spec) => JsonSerializer.Serialize(spec);

    private static void Inject(Unit unit, Failure failure)
    {
        switch (failure)
        {
            case Failure.EnsureFails:
                unit.Workloads.EnsureFailure = new InvalidOperationException("Deployment default/hello is controlled by someone else");
                break;
            case Failure.NotOwned:
                unit.Workloads.EnsureFailure = new WorkloadNotOwnedException(
                    "Service", "default", "hello", "Service default/hello exists and is not owned by this Function; it is left alone");
                break;
            case Failure.DeleteFails:
                unit.Workloads.DeleteFailure = new StoreException(StoreErrorKind.Invalid, "delete refused");
                break;
            case Failure.StatusConflict:
                unit.Store.StatusFailure = StoreErrorKind.Conflict;
                break;
            case Failure.StatusNotFound:
                unit.Store.StatusFailure = StoreErrorKind.NotFound;
                break;
            case Failure.StatusInvalid:
                unit.Store.StatusFailure = StoreErrorKind.Invalid;
                break;
        }
    }

    private static async Task<(ReconcileResult? Result, Exception? Error)> ReconcileAsync(Unit unit)
    {
        try
        {
            return (await unit.Reconciler.ReconcileAsync(new FunctionKey("default", "hello"), CancellationToken.None), null);
        }
        catch (Exception e)
        {
            return (null, e);
        }
    }

    /// <summary>A reconciler whose Function cache holds <paramref name="function"/> (or nothing), at <paramref name="now"/>.</summary>
    private static async Task<Unit> UnitAsync(FunctionResource? function, string? url, DateTimeOffset now)
    {
        var store = new RecordingFunctionStore(function is null ? [] : [function]);
        var functions = new ResourceInformer<FunctionResource>(store, null, TimeProvider.System, NullLogger.Instance);
        using (var stop = new CancellationTokenSource())
        {
            var run = functions.RunAsync(stop.Token);
            await functions.WaitForSyncAsync(CancellationToken.None);
            await stop.CancelAsync();
            await run; // the cache keeps what it listed
        }

        var workloads = new RecordingWorkloadManager();
        var metrics = new ControllerMetrics(Prometheus.Metrics.NewCustomRegistry());
        var events = new RecordingEventRecorder();
        var reconciler = new FunctionReconciler(
            functions, store, workloads, new ControllerOptions { FunctionUrl = _ => url }, metrics, new ManualTimeProvider(now), NullLogger.Instance, events);
        return new Unit(reconciler, workloads, store, metrics, events);
    }

    private sealed record Unit(FunctionReconciler Reconciler, RecordingWorkloadManager Workloads, RecordingFunctionStore Store, ControllerMetrics Metrics, RecordingEventRecorder Events);

    private sealed record ExpectedCondition(string Status, string Reason);

    /// <summary>The status the pass writes (or attempts to); url, generation and revision default to the usual.</summary>
    private sealed record ExpectedStatus(ExpectedCondition Ready, ExpectedCondition WorkloadReady, ExpectedCondition RouteReady, int Replicas, int ReadyReplicas)
    {
        public string? Url { get; init; } = FunctionReconcilerTests.Url;

        public long? Generation { get; init; } = 1;

        public string? LatestRevision { get; init; } = Current;

        /// <summary>Text Ready's message contains.</summary>
        public string? ReadyMessage { get; init; }
    }

    /// <param name="Function">In the cache, or null when it is gone.</param>
    /// <param name="Observed">What the workload manager reports.</param>
    /// <param name="Calls">The workload manager's calls, in order.</param>
    /// <param name="Status">The status written (or attempted); null when none is.</param>
    /// <param name="Result">Null when the pass throws <see cref="Throws"/>.</param>
    private sealed record Row(string Label, FunctionResource? Function, WorkloadStatus? Observed, string[] Calls, ExpectedStatus? Status, ReconcileResult? Result)
    {
        /// <summary>The ingress address the controller knows; null before it is bound.</summary>
        public string? Url { get; init; } = FunctionReconcilerTests.Url;

        public Failure Inject { get; init; }

        public Type? Throws { get; init; }
    }
}
