using k8s.Models;
using Serverless.Core.Api;

namespace Serverless.Cli.Tests.Fakes;

/// <summary>Function builders in the style of Knative's test helpers: <c>Function("hello", WithReady())</c>.</summary>
internal static class TestFunctions
{
    public static Function Function(string name, params Action<Function>[] options)
    {
        var function = new Function
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Generation = 1, CreationTimestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
            Spec = new FunctionSpec { Runtime = RuntimeNames.Node, Source = new FunctionSource { Path = "/artifacts/" + name } },
        };
        foreach (var option in options)
        {
            option(function);
        }

        return function;
    }

    public static Action<Function> InNamespace(string ns) => f => f.Metadata.NamespaceProperty = ns;

    public static Action<Function> WithRuntime(string runtime) => f => f.Spec.Runtime = runtime;

    public static Action<Function> CreatedAt(DateTime at) => f => f.Metadata.CreationTimestamp = at;

    public static Action<Function> WithReady(string status, int ready, int replicas, string? url = null) => f => f.Status = new FunctionStatus
    {
        ObservedGeneration = f.Metadata.Generation,
        Conditions = [new V1Condition { Type = ConditionTypes.Ready, Status = status, Reason = status == ConditionStatus.True ? "Ready" : "Deploying", Message = "m" }],
        ReadyReplicas = ready,
        Replicas = replicas,
        Url = url,
    };
}
