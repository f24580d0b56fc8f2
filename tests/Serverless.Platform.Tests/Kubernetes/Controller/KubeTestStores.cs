using k8s;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Hosting.Kubernetes;

namespace Serverless.Platform.Tests.Kubernetes.Controller;

/// <summary>The Function CRD store the Kubernetes-mode components use.</summary>
internal static class KubeTestStores
{
    public static IResourceStore<Function> Functions(IKubernetes client) => KubernetesFunctionStore.Open(client);

    /// <summary>The Revision CRD store, as the controller role opens it (<see cref="KubernetesStores.Revisions"/>).</summary>
    public static IResourceStore<Revision> Revisions(IKubernetes client) => new KubernetesStores(client).Revisions;
}
