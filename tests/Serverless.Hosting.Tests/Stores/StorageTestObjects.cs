using k8s.Models;
using Serverless.Core.Api;

namespace Serverless.Hosting.Tests.Stores;

/// <summary>Builders of resources for the store tests: minimal valid objects plus options.</summary>
public static class StorageTestObjects
{
    public static Function Function(string @namespace, string name, params Action<Function>[] options)
    {
        var function = new Function
        {
            Metadata = new V1ObjectMeta { NamespaceProperty = @namespace, Name = name },
            Spec = new FunctionSpec
            {
                Runtime = RuntimeNames.Node,
                Handler = "index.js:handler",
                Source = new FunctionSource { Path = "/srv/functions/" + name },
            },
        };
        foreach (var option in options)
        {
            option(function);
        }

        return function;
    }

    public static Broker Broker(string @namespace, string name) =>
        new() { Metadata = new V1ObjectMeta { NamespaceProperty = @namespace, Name = name } };

    public static Trigger Trigger(string @namespace, string name) =>
        new()
        {
            Metadata = new V1ObjectMeta { NamespaceProperty = @namespace, Name = name },
            Spec = new TriggerSpec
            {
                Broker = "default",
                Subscriber = new Destination { Ref = new DestinationRef { Kind = Core.Api.Function.KindName, Name = "hello" } },
            },
        };

    public static Action<Function> WithEnv(string name, string value) =>
        f => f.Spec.Env = [new EnvVar { Name = name, Value = value }];

    public static Action<Function> WithLabel(string key, string value) =>
        f => (f.Metadata.Labels ??= new Dictionary<string, string>())[key] = value;

    public static Action<Function> WithAnnotation(string key, string value) =>
        f => (f.Metadata.Annotations ??= new Dictionary<string, string>())[key] = value;

    public static Action<Function> WithReadyReplicas(int replicas) =>
        f => f.Status = new FunctionStatus { ReadyReplicas = replicas, Url = "http://example/" + f.Metadata.Name };

    public static Action<Function> WithResourceVersion(string? version) =>
        f => f.Metadata.ResourceVersion = version;
}
