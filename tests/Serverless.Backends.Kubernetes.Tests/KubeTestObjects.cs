using Serverless.Backends.Kubernetes.Resources;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Workloads;
using k8s.Models;

namespace Serverless.Backends.Kubernetes.Tests;

/// <summary>Option builders for Kubernetes-mode tests, as Knative's <c>Revision("foo", WithMinScale(1))</c>.</summary>
public static class KubeTestObjects
{
    public static Function TestFunction(string ns, string name, params Action<Function>[] options)
    {
        var function = new Function
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Uid = "uid-" + name, Generation = 1 },
            Spec = new FunctionSpec
            {
                Runtime = RuntimeNames.Node,
                Handler = "index.js:handle",
                Source = new FunctionSource { ConfigMap = name + "-0123456789" },
                TimeoutSeconds = 300,
            },
        };
        foreach (var option in options)
        {
            option(function);
        }

        return function;
    }

    public static Action<Function> WithImage(string image) => f =>
    {
        f.Spec.Image = image;
        f.Spec.Source = null;
    };

    public static Action<Function> WithEnv(string name, string value) => f =>
        f.Spec.Env = [.. f.Spec.Env ?? [], new EnvVar { Name = name, Value = value }];

    public static Action<Function> WithTimeout(int seconds) => f => f.Spec.TimeoutSeconds = seconds;

    public static Action<Function> WithContainerConcurrency(int value) => f => f.Spec.Scale = new ScaleSpec { ContainerConcurrency = value };

    public static Action<Function> WithResources(string cpu, string memory) => f => f.Spec.Resources = new V1ResourceRequirements
    {
        Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(cpu), ["memory"] = new(memory) },
        Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new(memory) },
    };

    public static V1Deployment Deployment(Function function, int? replicas = 1) =>
        DeploymentBuilder.Build(function, WorkloadSpecBuilder.Build(function), new KubernetesWorkloadOptions(), replicas);

    public static WorkloadSpec Spec(Function function) => WorkloadSpecBuilder.Build(function);

    public static FunctionKey Key(Function function) => new(function.Metadata.NamespaceProperty, function.Metadata.Name);
}
