using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Serverless.Hosting.Kubernetes;

namespace Serverless.Backends.Kubernetes.Events;

/// <summary><see cref="IEventApi"/> over KubernetesClient: core/v1 Events, as client-go's recorder writes them.</summary>
internal sealed class KubeEventApi(IKubernetes client) : IEventApi
{
    public Task CreateAsync(Corev1Event item, CancellationToken cancellationToken) =>
        KubeErrors.Map(
            () => client.CoreV1.CreateNamespacedEventAsync(item, item.Metadata.NamespaceProperty, cancellationToken: cancellationToken),
            $"creating Event {item.Metadata.NamespaceProperty}/{item.Metadata.Name}",
            creating: true);

    public Task RepeatAsync(string @namespace, string name, int count, string message, DateTime lastTimestamp, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["count"] = count,
            ["message"] = message,
            ["lastTimestamp"] = lastTimestamp.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        };
        var patch = new V1Patch(body.ToJsonString(), V1Patch.PatchType.MergePatch);
        return KubeErrors.Map(
            () => client.CoreV1.PatchNamespacedEventAsync(patch, name, @namespace, cancellationToken: cancellationToken),
            $"updating Event {@namespace}/{name}");
    }
}
