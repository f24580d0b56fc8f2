using k8s;
using k8s.Models;
using Serverless.Core.Contracts;

namespace Serverless.Platform.Tests.Kubernetes.Pools;

/// <summary>The Events a component recorded, in order (what <c>kubectl describe</c> would list), for assertions.</summary>
internal sealed class RecordingEvents : IEventRecorder
{
    private readonly List<(string Kind, string Name, string Type, string Reason, string Message)> _events = [];

    public IReadOnlyList<(string Kind, string Name, string Type, string Reason, string Message)> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public void Record(IKubernetesObject<V1ObjectMeta> regarding, string type, string reason, string message)
    {
        lock (_events)
        {
            _events.Add((regarding.Kind, regarding.Metadata.Name, type, reason, message));
        }
    }
}
