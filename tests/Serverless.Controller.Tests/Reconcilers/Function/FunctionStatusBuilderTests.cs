using k8s.Models;
using Serverless.Controller.Reconcilers.Function.Resources;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Serialization;

namespace Serverless.Controller.Tests.Reconcilers.Function;

public sealed class FunctionStatusBuilderTests
{
    private static readonly DateTime Now = new(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc);
    private const string Url = "http://127.0.0.1:8080/default/hello/";

    public static TheoryData<string, WorkloadStatus?, string, string, string> Cases => new()
    {
        { "no workload yet", null, ConditionStatus.Unknown, "Deploying", ConditionStatus.Unknown },
        { "starting", Workload(desired: 1, ready: 0), ConditionStatus.Unknown, "Deploying", ConditionStatus.Unknown },
        { "serving", Workload(desired: 2, ready: 1), ConditionStatus.True, "InstancesReady", ConditionStatus.True },
        { "scaled to zero", Workload(desired: 0, ready: 0), ConditionStatus.True, "ScaledToZero", ConditionStatus.True },
        {
            "crash loop",
            Workload(desired: 1, ready: 0) with { Failure = new WorkloadFailure(WorkloadFailureReason.CrashLoop, "exit 3: boom") },
            ConditionStatus.False, "CrashLoop", ConditionStatus.False
        },
        {
            "out of memory",
            Workload(desired: 1, ready: 0) with { Failure = new WorkloadFailure(WorkloadFailureReason.OOMKilled, "killed at its memory limit of 64Mi") },
            ConditionStatus.False, "OOMKilled", ConditionStatus.False
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Build_WorkloadState_SetsConditions(string label, WorkloadStatus? workload, string workloadStatus, string reason, string readyStatus)
    {
        var status = FunctionStatusBuilder.Build(Function(), "rev1", workload, Url, Now);

        var workloadReady = status.Conditions!.Single(c => c.Type == ConditionTypes.WorkloadReady);
        var ready = status.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        Assert.True(workloadStatus == workloadReady.Status, label);
        Assert.Equal(reason, workloadReady.Reason);
        Assert.Equal(readyStatus, ready.Status);
        Assert.Equal(ConditionStatus.True, status.Conditions!.Single(c => c.Type == ConditionTypes.RouteReady).Status);
        Assert.Equal(7, status.ObservedGeneration);
        Assert.Equal("rev1", status.LatestRevision);
        Assert.Equal(Url, status.Url);
    }

    [Fact]
    public void Build_FailureMessage_ReachesReady()
    {
        var workload = Workload(1, 0) with { Failure = new WorkloadFailure(WorkloadFailureReason.StartFailed, "handler not found\nlast log line") };

        var ready = FunctionStatusBuilder.Build(Function(), "rev1", workload, Url, Now).Conditions!.Single(c => c.Type == ConditionTypes.Ready);

        Assert.Equal("StartFailed", ready.Reason);
        Assert.Contains("last log line", ready.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_LimitsNotEnforced_InformationalConditionReadyStillTrue()
    {
        var workload = Workload(1, 1) with { Resources = new ResourceEnforcement(false, "NotEnforced", "limits not enforced here: memory") };

        var status = FunctionStatusBuilder.Build(Function(), "rev1", workload, Url, Now);

        var enforced = status.Conditions!.Single(c => c.Type == ConditionTypes.ResourcesEnforced);
        Assert.Equal((ConditionStatus.False, "NotEnforced", "limits not enforced here: memory"), (enforced.Status, enforced.Reason, enforced.Message));
        Assert.Equal(ConditionStatus.True, status.Conditions!.Single(c => c.Type == ConditionTypes.Ready).Status);
    }

    [Fact]
    public void Build_LimitsEnforcedOrAbsent_TrueConditionOrNone()
    {
        var enforced = Workload(1, 1) with { Resources = new ResourceEnforcement(true, "Enforced", "limits enforced: memory 64Mi") };

        Assert.Equal(ConditionStatus.True, FunctionStatusBuilder.Build(Function(), "rev1", enforced, Url, Now).Conditions!.Single(c => c.Type == ConditionTypes.ResourcesEnforced).Status);
        Assert.DoesNotContain(FunctionStatusBuilder.Build(Function(), "rev1", Workload(1, 1), Url, Now).Conditions!, c => c.Type == ConditionTypes.ResourcesEnforced);
    }

    [Fact]
    public void Build_SameWorldTwice_ProducesIdenticalStatus()
    {
        var function = Function();
        function.Status = FunctionStatusBuilder.Build(function, "rev1", Workload(1, 1), Url, Now);

        var again = FunctionStatusBuilder.Build(function, "rev1", Workload(1, 1), Url, Now.AddMinutes(5));

        // An unchanged condition keeps its transition time, so the controller writes nothing.
        Assert.Equal(ResourceJson.Serialize(function.Status), ResourceJson.Serialize(again));
    }

    [Fact]
    public void Build_StatusChanges_StampsTransitionTime()
    {
        var function = Function();
        function.Status = FunctionStatusBuilder.Build(function, "rev1", Workload(1, 0), Url, Now);

        var later = Now.AddSeconds(42);
        var ready = FunctionStatusBuilder.Build(function, "rev1", Workload(1, 1), Url, later).Conditions!.Single(c => c.Type == ConditionTypes.Ready);

        Assert.Equal(later, ready.LastTransitionTime);
    }

    private static Core.Api.Function Function() => new()
    {
        Metadata = new V1ObjectMeta { Name = "hello", NamespaceProperty = "default", Generation = 7 },
        Spec = new FunctionSpec { Runtime = RuntimeNames.Node, Source = new FunctionSource { Path = "/srv/hello" } },
    };

    private static WorkloadStatus Workload(int desired, int ready) =>
        new() { Revision = "rev1", DesiredReplicas = desired, Replicas = desired, ReadyReplicas = ready };
}
