using k8s;
using Serverless.Core.Api;
using Serverless.Core.Contracts;

namespace Serverless.Hosting.Kubernetes;

/// <summary>The platform's three stores over their CRDs, the Kubernetes-mode counterpart of the local SQLite stores.</summary>
public sealed class KubernetesStores(IKubernetes client)
{
    public IResourceStore<Function> Functions { get; } = new KubernetesResourceStore<Function>(client, CustomResource.Functions);

    public IResourceStore<Broker> Brokers { get; } = new KubernetesResourceStore<Broker>(client, CustomResource.Brokers);

    public IResourceStore<Trigger> Triggers { get; } = new KubernetesResourceStore<Trigger>(client, CustomResource.Triggers);

    public IResourceStore<Revision> Revisions { get; } = new KubernetesResourceStore<Revision>(client, CustomResource.Revisions);
}
