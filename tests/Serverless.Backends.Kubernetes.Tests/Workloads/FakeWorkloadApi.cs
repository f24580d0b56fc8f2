using k8s.Models;
using Serverless.Backends.Kubernetes.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Serialization;

namespace Serverless.Backends.Kubernetes.Tests.Workloads;

/// <summary>Records the workload manager's and scaler's calls; answers from an in-memory set of objects, with injectable failures.</summary>
internal sealed class FakeWorkloadApi : IWorkloadApi
{
    public Dictionary<string, V1Deployment> Deployments { get; } = [];

    public Dictionary<string, V1Service> Services { get; } = [];

    public Dictionary<string, V2HorizontalPodAutoscaler> Autoscalers { get; } = [];

    /// <summary>What <see cref="ListPodsAsync"/> answers, whatever the selector.</summary>
    public List<V1Pod> Pods { get; } = [];

    public List<string> Calls { get; } = [];

    /// <summary>Errors thrown by the next calls whose name starts with the key (e.g. "replace deployment").</summary>
    public Dictionary<string, Queue<StoreErrorKind>> Failures { get; } = [];

    public void FailNext(string call, params StoreErrorKind[] kinds) => Failures[call] = new Queue<StoreErrorKind>(kinds);

    public Task<V1Deployment?> GetDeploymentAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Record("get deployment") ? Copy(Deployments.GetValueOrDefault(name)) : null);

    public Task<V1Deployment> CreateDeploymentAsync(V1Deployment deployment, CancellationToken cancellationToken)
    {
        Record("create deployment");
        Deployments[deployment.Metadata.Name] = Copy(deployment)!;
        return Task.FromResult(deployment);
    }

    public Task<V1Deployment> ReplaceDeploymentAsync(V1Deployment deployment, CancellationToken cancellationToken)
    {
        Record("replace deployment");
        Deployments[deployment.Metadata.Name] = Copy(deployment)!;
        return Task.FromResult(deployment);
    }

    public Task<bool> DeleteDeploymentAsync(string @namespace, string name, string? uid, CancellationToken cancellationToken) =>
        Task.FromResult(Record("delete deployment") && Deployments.Remove(name));

    public Task ScaleDeploymentAsync(string @namespace, string name, int replicas, CancellationToken cancellationToken)
    {
        Record($"scale deployment {replicas}");
        return Task.CompletedTask;
    }

    public Task<V1Service?> GetServiceAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Record("get service") ? Copy(Services.GetValueOrDefault(name)) : null);

    public Task<V1Service> CreateServiceAsync(V1Service service, CancellationToken cancellationToken)
    {
        Record("create service");
        Services[service.Metadata.Name] = Copy(service)!;
        return Task.FromResult(service);
    }

    public Task<V1Service> ReplaceServiceAsync(V1Service service, CancellationToken cancellationToken)
    {
        Record("replace service");
        Services[service.Metadata.Name] = Copy(service)!;
        return Task.FromResult(service);
    }

    public Task<bool> DeleteServiceAsync(string @namespace, string name, string? uid, CancellationToken cancellationToken) =>
        Task.FromResult(Record("delete service") && Services.Remove(name));

    public Task<V2HorizontalPodAutoscaler?> GetHorizontalPodAutoscalerAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Record("get hpa") ? Copy(Autoscalers.GetValueOrDefault(name)) : null);

    public Task<V2HorizontalPodAutoscaler> CreateHorizontalPodAutoscalerAsync(V2HorizontalPodAutoscaler autoscaler, CancellationToken cancellationToken)
    {
        Record("create hpa");
        Autoscalers[autoscaler.Metadata.Name] = Copy(autoscaler)!;
        return Task.FromResult(autoscaler);
    }

    public Task<V2HorizontalPodAutoscaler> ReplaceHorizontalPodAutoscalerAsync(V2HorizontalPodAutoscaler autoscaler, CancellationToken cancellationToken)
    {
        Record("replace hpa");
        Autoscalers[autoscaler.Metadata.Name] = Copy(autoscaler)!;
        return Task.FromResult(autoscaler);
    }

    public Task<bool> DeleteHorizontalPodAutoscalerAsync(string @namespace, string name, string? uid, CancellationToken cancellationToken) =>
        Task.FromResult(Record("delete hpa") && Autoscalers.Remove(name));

    public Task<bool> DeleteConfigMapAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Record($"delete configmap {name}"));

    public Task<bool> SetConfigMapOwnersAsync(string @namespace, string name, IReadOnlyList<V1OwnerReference> owners, CancellationToken cancellationToken) =>
        Task.FromResult(Record($"own configmap {name} by {string.Join(",", owners.Select(o => o.Name))}"));

    public Task<IList<V1Pod>> ListPodsAsync(string @namespace, string labelSelector, CancellationToken cancellationToken)
    {
        Record("list pods");
        return Task.FromResult<IList<V1Pod>>(Pods.Select(p => Copy(p)!).ToList());
    }

    public Task AnnotatePodAsync(string @namespace, string name, string key, string? value, CancellationToken cancellationToken)
    {
        Record($"annotate pod {name} {value ?? "(removed)"}");
        return Task.CompletedTask;
    }

    private bool Record(string call)
    {
        Calls.Add(call);
        if (Failures.TryGetValue(call, out var failures) && failures.TryDequeue(out var kind))
        {
            throw new StoreException(kind, $"{call}: injected {kind}");
        }

        return true;
    }

    private static T? Copy<T>(T? value) where T : class => value is null ? null : ResourceJson.Clone(value);
}
