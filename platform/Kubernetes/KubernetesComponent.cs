namespace Serverless.Platform.Kubernetes;

/// <summary>The component one Kubernetes-mode process runs (<c>serverless-platform kubernetes {component}</c>).</summary>
internal enum KubernetesComponent
{
    Controller,
    Activator,
    Autoscaler,
    Broker,
}
