using k8s.Models;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Kubernetes.Resources;

/// <summary>The ClusterIP Service of a function: port 80 (<c>http</c>) to the pods' 8080. Pure.</summary>
internal static class ServiceBuilder
{
    public const int Port = 80;

    /// <param name="revision">The owner of a split's other revision's Service (key = the revision's name); null for the Function's own.</param>
    public static V1Service Build(Core.Api.Function function, FunctionKey key, Core.Api.Revision? revision = null) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta
        {
            Name = key.Name,
            NamespaceProperty = key.Namespace,
            Labels = revision is null ? WorkloadLabels.For(key.Name) : WorkloadLabels.ForRevision(function.Metadata.Name, revision.Metadata.Name),
            OwnerReferences = [revision is null ? FunctionOwner.Reference(function) : RevisionOwner.Reference(revision)],
        },
        Spec = new V1ServiceSpec
        {
            Type = "ClusterIP",
            Selector = revision is null ? WorkloadLabels.For(key.Name) : WorkloadLabels.RevisionSelector(function.Metadata.Name, revision.Metadata.Name),
            Ports = [new V1ServicePort { Name = "http", Port = Port, TargetPort = DeploymentBuilder.ContainerPort, Protocol = "TCP" }],
        },
    };

    /// <summary>
    /// The object to write when the live Service drifted. The cluster IP is allocated by the API server and
    /// immutable, so it is carried over, as is everything else the server filled in that we do not set.
    /// </summary>
    public static V1Service ForUpdate(V1Service live, V1Service desired)
    {
        var update = Core.Serialization.ResourceJson.Clone(desired);
        update.Metadata.ResourceVersion = live.Metadata.ResourceVersion;
        update.Metadata.Uid = live.Metadata.Uid;
        update.Metadata.Labels = DeploymentBuilder.Merge(live.Metadata.Labels, desired.Metadata.Labels);
        update.Metadata.Annotations = live.Metadata.Annotations;
        update.Spec.ClusterIP = live.Spec?.ClusterIP;
        update.Spec.ClusterIPs = live.Spec?.ClusterIPs;
        update.Spec.IpFamilies = live.Spec?.IpFamilies;
        update.Spec.IpFamilyPolicy = live.Spec?.IpFamilyPolicy;
        return update;
    }
}
