using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Hosting.Informers;

namespace Serverless.Backends.Kubernetes.Api;

/// <summary>The informers of built-in kinds the components share, across all namespaces.</summary>
public static class KubeInformers
{
    /// <summary>Deployments labelled <c>app.kubernetes.io/managed-by=serverless</c>.</summary>
    public static ResourceInformer<V1Deployment> ManagedDeployments(IKubernetes client, TimeProvider time, ILoggerFactory loggerFactory) =>
        new(KubeSources.Deployments(client, WorkloadLabels.ManagedSelector), null, time, loggerFactory.CreateLogger<ResourceInformer<V1Deployment>>());

    /// <summary>Services labelled <c>app.kubernetes.io/managed-by=serverless</c>.</summary>
    public static ResourceInformer<V1Service> ManagedServices(IKubernetes client, TimeProvider time, ILoggerFactory loggerFactory) =>
        new(KubeSources.Services(client, WorkloadLabels.ManagedSelector), null, time, loggerFactory.CreateLogger<ResourceInformer<V1Service>>());

    /// <summary>HorizontalPodAutoscalers labelled <c>app.kubernetes.io/managed-by=serverless</c>: those of HPA-class Functions.</summary>
    public static ResourceInformer<V2HorizontalPodAutoscaler> ManagedHorizontalPodAutoscalers(IKubernetes client, TimeProvider time, ILoggerFactory loggerFactory) =>
        new(KubeSources.HorizontalPodAutoscalers(client, WorkloadLabels.ManagedSelector), null, time, loggerFactory.CreateLogger<ResourceInformer<V2HorizontalPodAutoscaler>>());

    /// <summary>
    /// ReplicaSets labelled <c>app.kubernetes.io/managed-by=serverless</c>: the Deployment controller copies the pod
    /// template's labels onto them. Which artifact ConfigMaps are still mounted is read off them.
    /// </summary>
    public static ResourceInformer<V1ReplicaSet> ManagedReplicaSets(IKubernetes client, TimeProvider time, ILoggerFactory loggerFactory) =>
        new(KubeSources.ReplicaSets(client, WorkloadLabels.ManagedSelector), null, time, loggerFactory.CreateLogger<ResourceInformer<V1ReplicaSet>>());

    /// <summary>
    /// Every Service's EndpointSlices (those with a <c>kubernetes.io/service-name</c> label): the EndpointSlice
    /// controller does not reliably copy our Service labels onto slices, so the selector cannot narrow to ours.
    /// </summary>
    public static ResourceInformer<V1EndpointSlice> ServiceEndpointSlices(IKubernetes client, TimeProvider time, ILoggerFactory loggerFactory) =>
        new(KubeSources.EndpointSlices(client, WorkloadLabels.ServiceName), null, time, loggerFactory.CreateLogger<ResourceInformer<V1EndpointSlice>>());
}
