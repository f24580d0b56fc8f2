using System.Net;
using k8s;
using k8s.Models;
using Serverless.Hosting.Kubernetes;

namespace Serverless.Backends.Kubernetes.Leadership;

/// <summary><see cref="ILeaseApi"/> over KubernetesClient: <c>coordination.k8s.io/v1</c> Lease <c>{namespace}/{name}</c>.</summary>
internal sealed class KubeLeaseApi(IKubernetes client, string @namespace, string name) : ILeaseApi
{
    public async Task<V1Lease?> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await client.CoordinationV1.ReadNamespacedLeaseAsync(name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (KubeErrors.Is(e, HttpStatusCode.NotFound))
        {
            return null;
        }
    }

    public Task<V1Lease> CreateAsync(V1Lease lease, CancellationToken cancellationToken) =>
        KubeErrors.Map(
            () => client.CoordinationV1.CreateNamespacedLeaseAsync(lease, @namespace, cancellationToken: cancellationToken),
            $"creating Lease {@namespace}/{name}",
            creating: true);

    public Task<V1Lease> ReplaceAsync(V1Lease lease, CancellationToken cancellationToken) =>
        KubeErrors.Map(
            () => client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, name, @namespace, cancellationToken: cancellationToken),
            $"updating Lease {@namespace}/{name}");
}
