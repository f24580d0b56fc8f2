using k8s.Models;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Kubernetes.Resources;

/// <summary>What a Deployment's status says about the function's workload. Pure.</summary>
internal static class WorkloadStatusReader
{
    public static WorkloadStatus Read(V1Deployment deployment)
    {
        var status = deployment.Status;
        var revision = deployment.Spec?.Template?.Metadata?.Labels is { } labels && labels.TryGetValue(WorkloadLabels.Revision, out var value)
            ? value
            : "";

        // During a rollout readyReplicas counts old pods too; updatedReplicas bounds the ready ones of the
        // current revision. (Not observedGeneration: every scale bumps the generation, and instances do not
        // stop being ready because of it.)
        var ready = status?.ReadyReplicas ?? 0;
        if (status?.UpdatedReplicas is { } updated)
        {
            ready = Math.Min(ready, updated);
        }

        return new WorkloadStatus
        {
            Revision = revision,
            DesiredReplicas = deployment.Spec?.Replicas ?? 1,
            Replicas = status?.Replicas ?? 0,
            ReadyReplicas = ready,
            Failure = Failure(status),
        };
    }

    private static WorkloadFailure? Failure(V1DeploymentStatus? status)
    {
        var conditions = status?.Conditions ?? [];
        var replicaFailure = conditions.FirstOrDefault(c => c.Type == "ReplicaFailure" && c.Status == "True");
        if (replicaFailure is not null)
        {
            // Pods cannot even be created: quota, admission, a missing ConfigMap volume source…
            return new WorkloadFailure(WorkloadFailureReason.RuntimeUnavailable, Describe(replicaFailure.Reason, replicaFailure.Message));
        }

        var progressing = conditions.FirstOrDefault(c => c.Type == "Progressing" && c.Status == "False");
        return progressing is null
            ? null
            : new WorkloadFailure(WorkloadFailureReason.StartFailed, Describe(progressing.Reason, progressing.Message));
    }

    private static string Describe(string? reason, string? message) =>
        string.IsNullOrEmpty(message) ? reason ?? "unknown" : $"{reason}: {message}";
}
