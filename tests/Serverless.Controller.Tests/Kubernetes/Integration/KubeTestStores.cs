using k8s;
using Serverless.Controller.Kubernetes;
using Serverless.Core.Api;
using Serverless.Core.Contracts;

namespace Serverless.Controller.Tests.Kubernetes.Integration;

/// <summary>The Function CRD store the Kubernetes-mode components use.</summary>
internal static class KubeTestStores
{
    public static IResourceStore<Function> Functions(IKubernetes client) => KubernetesFunctionStore.Open(client);
}
