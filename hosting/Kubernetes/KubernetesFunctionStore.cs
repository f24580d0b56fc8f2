using k8s;
using Serverless.Hosting.Kubernetes;
using Serverless.Core.Api;
using Serverless.Core.Contracts;

namespace Serverless.Hosting.Kubernetes;

/// <summary>The Function CRD store every Kubernetes-mode component reads (and the controller writes status through).</summary>
public static class KubernetesFunctionStore
{
    public static IResourceStore<Function> Open(IKubernetes client) => new KubernetesStores(client).Functions;
}
