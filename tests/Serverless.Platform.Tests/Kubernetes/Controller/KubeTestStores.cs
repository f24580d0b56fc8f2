using k8s;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Hosting.Kubernetes;

namespace Serverless.Platform.Tests.Kubernetes.Controller;

/// <summary>The Function CRD store the Kubernetes-mode components use.</summary>
internal static class KubeTestStores
{
    public static IResourceStore<Function> Functions(IKubernetes client) => KubernetesFunctionStore.Open(client);
}
