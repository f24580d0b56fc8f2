using k8s;
using k8s.Models;
using Serverless.Core.Contracts;

namespace Serverless.Controller.Tests.Fakes;

/// <summary>Records every Event as <c>{type} {reason} {kind}/{name}: {message}</c>.</summary>
internal sealed class RecordingEventRecorder : IEventRecorder
{
    public List<string> Events { get; } = [];

    public void Record(IKubernetesObject<V1ObjectMeta> regarding, string type, string reason, string message)
    {
        lock (Events)
        {
            Events.Add($"{type} {reason} {regarding.Kind}/{regarding.Metadata.Name}: {message}");
        }
    }
}
