using k8s;
using k8s.Models;

namespace Serverless.Core.Api;

/// <summary>
/// What the stores and the admin API need from every resource kind: Kubernetes metadata, a spec
/// (whose change bumps <c>metadata.generation</c>) and a status written through its own path.
/// </summary>
public interface IResource : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The spec, compared to decide whether an update bumps the generation.</summary>
    object? SpecObject { get; }
}
