using k8s.Models;
using Serverless.Core.Contracts;
using Serverless.Core.Defaulting;

namespace Serverless.Backends.Kubernetes.Resources;

/// <summary>
/// The <c>autoscaling/v2</c> HorizontalPodAutoscaler of an HPA-class Function, as Knative's HPA reconciler makes it:
/// it targets one revision's Deployment (or an older layout's Function-owned one) with the Function's minScale and maxScale (unbounded: 2147483647), and one
/// resource metric, <c>cpu</c> as an average utilization in percent or <c>memory</c> as an average value in MiB. No
/// <c>behavior</c>: the cluster's defaults apply (300 s scale-down stabilization). Pure.
/// </summary>
internal static class HorizontalPodAutoscalerBuilder
{
    /// <param name="revision">
    /// The Revision whose Deployment (named <paramref name="key"/>) it scales, which owns it as it owns the Deployment;
    /// null for the Function's own Deployment of an older layout.
    /// </param>
    public static V2HorizontalPodAutoscaler Build(Core.Api.Function function, FunctionKey key, Core.Api.Revision? revision = null)
    {
        var spec = function.Spec.Scale;
        var metric = spec?.Metric ?? ScaleMetricNames.Cpu;
        var target = spec?.Target ?? ScaleMetricNames.HpaCpuTargetDefault;
        var max = spec?.MaxScale is > 0 and var bounded ? bounded : int.MaxValue;
        return new V2HorizontalPodAutoscaler
        {
            ApiVersion = "autoscaling/v2",
            Kind = "HorizontalPodAutoscaler",
            Metadata = new V1ObjectMeta
            {
                Name = key.Name,
                NamespaceProperty = key.Namespace,
                Labels = revision is null ? WorkloadLabels.For(key.Name) : WorkloadLabels.ForRevision(function.Metadata.Name, revision.Metadata.Name),
                OwnerReferences = [revision is null ? FunctionOwner.Reference(function) : RevisionOwner.Reference(revision)],
            },
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = key.Name },
                MinReplicas = Math.Max(1, spec?.MinScale ?? 1),
                MaxReplicas = max,
                Metrics =
                [
                    new V2MetricSpec
                    {
                        Type = "Resource",
                        Resource = metric == ScaleMetricNames.Memory
                            ? new V2ResourceMetricSource
                            {
                                Name = "memory",
                                Target = new V2MetricTarget { Type = "AverageValue", AverageValue = new ResourceQuantity($"{target}Mi") },
                            }
                            : new V2ResourceMetricSource
                            {
                                Name = "cpu",
                                Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = target },
                            },
                    },
                ],
            },
        };
    }

    /// <summary>The object to write when the live one drifted: ours, over the live identity, annotations and status.</summary>
    public static V2HorizontalPodAutoscaler ForUpdate(V2HorizontalPodAutoscaler live, V2HorizontalPodAutoscaler desired)
    {
        var update = Core.Serialization.ResourceJson.Clone(desired);
        update.Metadata.ResourceVersion = live.Metadata.ResourceVersion;
        update.Metadata.Uid = live.Metadata.Uid;
        update.Metadata.Labels = DeploymentBuilder.Merge(live.Metadata.Labels, desired.Metadata.Labels);
        update.Metadata.Annotations = live.Metadata.Annotations;
        update.Status = live.Status;
        return update;
    }
}
