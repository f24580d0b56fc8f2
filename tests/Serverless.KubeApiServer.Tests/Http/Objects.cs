using System.Text.Json.Nodes;
using k8s.Models;

namespace Serverless.KubeApiServer.Tests.Http;

/// <summary>Small builders for the objects the tests write.</summary>
internal static class Objects
{
    public const string Namespace = "default";

    public static V1ConfigMap ConfigMap(string name, IDictionary<string, string>? labels = null, string value = "1") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels },
        Data = new Dictionary<string, string> { ["key"] = value },
    };

    /// <summary>A valid Function (an image, no source) as a JSON body; <paramref name="spec"/> adds or replaces spec fields.</summary>
    public static JsonObject Function(string name, JsonObject? spec = null)
    {
        var body = new JsonObject { ["image"] = "ghcr.io/serverless-dev/hello-node:0.1.0", ["runtime"] = "node", ["handler"] = "index.js:handle" };
        foreach (var (key, value) in spec ?? [])
        {
            body[key] = value?.DeepClone();
        }

        return new JsonObject
        {
            ["apiVersion"] = "serverless.dev/v1alpha1",
            ["kind"] = "Function",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = body,
        };
    }

    public static V1Deployment Deployment(string name, int replicas = 1, string image = "runtime:1") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = name } },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "function", Image = image }] },
            },
        },
    };
}
