using k8s;
using k8s.Models;

namespace Serverless.Core.Contracts;

/// <summary>Records nothing: local mode, and components that emit no Events.</summary>
public sealed class NoEventRecorder : IEventRecorder
{
    public static NoEventRecorder Instance { get; } = new();

    public void Record(IKubernetesObject<V1ObjectMeta> regarding, string type, string reason, string message)
    {
    }
}
