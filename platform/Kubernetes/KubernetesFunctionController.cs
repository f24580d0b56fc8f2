using Microsoft.Extensions.Logging;
using Serverless.Backends.Kubernetes.Api;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Backends.Kubernetes.Workloads;
using Serverless.Controller;
using Serverless.Controller.Metrics;
using Serverless.Controller.Reconcilers.Function;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;
using k8s;
using k8s.Models;
using FunctionResource = Serverless.Core.Api.Function;
using RevisionResource = Serverless.Core.Api.Revision;

namespace Serverless.Platform.Kubernetes;

/// <summary>
/// Kubernetes mode's Function controller: the same <see cref="FunctionController"/> and reconciler as local mode,
/// over the Function CRD and a <see cref="KubernetesWorkloadManager"/>. Five informers feed it: Functions (all
/// namespaces), and the Deployments, Services, ReplicaSets and HorizontalPodAutoscalers labelled <c>app.kubernetes.io/managed-by=serverless</c>,
/// whose every change enqueues the owner Function, so a deleted Deployment comes back, an edited one is restored and
/// an artifact no ReplicaSet mounts any more is deleted. With a Revision store (issue #17) it cuts Revisions as local
/// mode does (the same reconciler), and a sixth informer, the Revisions, gives the owner of a split's other revision's
/// Deployment and Service and the artifacts still in use.
/// </summary>
public sealed class KubernetesFunctionController
{
    private readonly FunctionController _controller;

    public KubernetesFunctionController(
        IKubernetes client,
        IResourceStore<FunctionResource> functionStore,
        KubernetesWorkloadOptions workloadOptions,
        ControllerOptions controllerOptions,
        ControllerMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggerFactory,
        IEventRecorder? events = null,
        IResourceStore<RevisionResource>? revisionStore = null)
    {
        ArgumentNullException.ThrowIfNull(controllerOptions);
        Functions = new ResourceInformer<FunctionResource>(functionStore, null, time, loggerFactory.CreateLogger<ResourceInformer<FunctionResource>>());
        Deployments = KubeInformers.ManagedDeployments(client, time, loggerFactory);
        Services = KubeInformers.ManagedServices(client, time, loggerFactory);
        ReplicaSets = KubeInformers.ManagedReplicaSets(client, time, loggerFactory);
        Autoscalers = KubeInformers.ManagedHorizontalPodAutoscalers(client, time, loggerFactory);
        Revisions = revisionStore is null ? null : new ResourceInformer<RevisionResource>(revisionStore, null, time, loggerFactory.CreateLogger<ResourceInformer<RevisionResource>>());
        Workloads = new KubernetesWorkloadManager(
            client,
            Deployments,
            Services,
            key => Functions.TryGet(key, out var function) ? function : null,
            workloadOptions,
            loggerFactory.CreateLogger<KubernetesWorkloadManager>(),
            ReplicaSets,
            events,
            Autoscalers,
            Revisions);
        controllerOptions.FunctionUrl = workloadOptions.FunctionUrl;
        controllerOptions.TagUrl = workloadOptions.TagUrl;
        _controller = new FunctionController(
            Functions,
            functionStore,
            Workloads,
            controllerOptions,
            metrics,
            time,
            loggerFactory,
            events,
            revisionStore is null ? null : new CachedRevisionStore(revisionStore, Workloads.RevisionView!, Workloads.OwnArtifactAsync));
    }

    public ResourceInformer<FunctionResource> Functions { get; }

    public ResourceInformer<V1Deployment> Deployments { get; }

    public ResourceInformer<V1Service> Services { get; }

    public ResourceInformer<V1ReplicaSet> ReplicaSets { get; }

    /// <summary>The HorizontalPodAutoscalers of HPA-class Functions.</summary>
    public ResourceInformer<V2HorizontalPodAutoscaler> Autoscalers { get; }

    /// <summary>The Revisions (null without a Revision store: no Revisions are cut).</summary>
    public ResourceInformer<RevisionResource>? Revisions { get; }

    public KubernetesWorkloadManager Workloads { get; }

    /// <summary>All the caches are filled: reconciling now decides from what exists, not from an empty cache.</summary>
    public bool HasSynced => Functions.HasSynced && Deployments.HasSynced && Services.HasSynced && ReplicaSets.HasSynced && Autoscalers.HasSynced
        && (Revisions?.HasSynced ?? true);

    /// <summary>Every cache follows the API server now (<see cref="ResourceInformer{T}.IsHealthy"/>).</summary>
    public bool IsHealthy => Functions.IsHealthy && Deployments.IsHealthy && Services.IsHealthy && ReplicaSets.IsHealthy && Autoscalers.IsHealthy
        && (Revisions?.IsHealthy ?? true);

    /// <summary>Runs the informers and, once they have synced, the workers; until cancelled (leadership lost or shutdown).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var informers = new[]
        {
            Functions.RunAsync(cancellationToken), Deployments.RunAsync(cancellationToken), Services.RunAsync(cancellationToken), ReplicaSets.RunAsync(cancellationToken),
            Autoscalers.RunAsync(cancellationToken), Revisions?.RunAsync(cancellationToken) ?? Task.CompletedTask,
        };
        var controller = Task.CompletedTask;
        try
        {
            // The workload caches first: a reconcile against an empty cache would try to create what exists.
            await Task.WhenAll(
                Deployments.WaitForSyncAsync(cancellationToken),
                Services.WaitForSyncAsync(cancellationToken),
                ReplicaSets.WaitForSyncAsync(cancellationToken),
                Autoscalers.WaitForSyncAsync(cancellationToken),
                Revisions?.WaitForSyncAsync(cancellationToken) ?? Task.CompletedTask).ConfigureAwait(false);
            controller = _controller.RunAsync(cancellationToken);
            await Task.WhenAll([.. informers, controller]).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        finally
        {
            try
            {
                await Task.WhenAll([.. informers, controller]).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }
    }
}
