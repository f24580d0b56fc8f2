using k8s;
using Serverless.Deploy.Tests.Support;

namespace Serverless.Deploy.Tests.Manifests;

/// <summary>The manifests read into KubernetesClient's generated models (every part but the Prometheus Operator's, which have none).</summary>
internal static class TypedManifests
{
    public const string MonitoringPart = "monitoring/servicemonitor.yaml";

    /// <summary>deploy/monitoring/: applied apart (kubectl apply -k), as it needs the monitoring.coreos.com CRDs.</summary>
    public const string MonitoringFolder = "monitoring/";

    public static IReadOnlyList<string> TypedParts { get; } = DeployFiles.Parts.Where(p => !IsMonitoring(p)).ToArray();

    public static bool IsMonitoring(string part) => part.StartsWith(MonitoringFolder, StringComparison.Ordinal);

    public static IReadOnlyList<object> All { get; } =
        TypedParts.SelectMany(part => KubernetesYaml.LoadAllFromString(DeployFiles.Read(part))).ToArray();

    public static IEnumerable<T> OfType<T>() => All.OfType<T>();
}
