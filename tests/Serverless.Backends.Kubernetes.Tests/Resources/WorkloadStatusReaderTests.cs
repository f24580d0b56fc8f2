using k8s.Models;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Core.Contracts;
using static Serverless.Backends.Kubernetes.Tests.KubeTestObjects;

namespace Serverless.Backends.Kubernetes.Tests.Resources;

public sealed class WorkloadStatusReaderTests
{
    [Theory]
    [InlineData("no status yet", 2, null, null, null, 2, 0, 0)]
    [InlineData("all ready", 2, 2, 2, 2, 2, 2, 2)]
    [InlineData("rolling: old pods still ready", 2, 3, 3, 1, 2, 3, 1)]
    [InlineData("scaled to zero", 0, 0, 0, 0, 0, 0, 0)]
    public void Read_DeploymentStatus_Counts(
        string label, int specReplicas, int? replicas, int? ready, int? updated, int expectedDesired, int expectedReplicas, int expectedReady)
    {
        var deployment = Deployment(TestFunction("default", "hello"), specReplicas);
        deployment.Status = replicas is null ? null : new V1DeploymentStatus { Replicas = replicas, ReadyReplicas = ready, UpdatedReplicas = updated };

        var status = WorkloadStatusReader.Read(deployment);

        Assert.True((expectedDesired, expectedReplicas, expectedReady) == (status.DesiredReplicas, status.Replicas, status.ReadyReplicas), label);
        Assert.Equal(deployment.Spec.Template.Metadata.Labels[WorkloadLabels.Revision], status.Revision);
        Assert.Null(status.Failure);
    }

    [Theory]
    [InlineData("ReplicaFailure", "True", "FailedCreate", WorkloadFailureReason.RuntimeUnavailable)]
    [InlineData("Progressing", "False", "ProgressDeadlineExceeded", WorkloadFailureReason.StartFailed)]
    public void Read_FailedCondition_IsAFailure(string type, string conditionStatus, string reason, WorkloadFailureReason expected)
    {
        var deployment = Deployment(TestFunction("default", "hello"));
        deployment.Status = new V1DeploymentStatus
        {
            Conditions = [new V1DeploymentCondition { Type = type, Status = conditionStatus, Reason = reason, Message = "details" }],
        };

        var failure = WorkloadStatusReader.Read(deployment).Failure;

        Assert.Equal(expected, failure?.Reason);
        Assert.Equal(reason + ": details", failure?.Message);
    }
}
