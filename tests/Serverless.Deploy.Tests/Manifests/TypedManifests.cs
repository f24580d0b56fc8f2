using k8s;
using Serverless.Deploy.Tests.Support;

namespace Serverless.Deploy.Tests.Manifests;

/// <summary>The manifests read into KubernetesClient's generated models (every part but the ServiceMonitor, which has none).</summary>
internal static class TypedManifests
{
    public const string MonitoringPart = "monitoring/servicemonitor.yaml";

    public static IReadOnlyList<string> TypedParts { get; } = DeployFiles.Parts.Where(p => p != MonitoringPart).ToArray();

    public static IReadOnlyList<object> All { get; } =
        TypedParts.SelectMany(part => KubernetesYaml.LoadAllFromString(DeployFiles.Read(part))).ToArray();

    public static IEnumerable<T> OfType<T>() => All.OfType<T>();
}
