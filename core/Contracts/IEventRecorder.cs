using k8s;
using k8s.Models;

namespace Serverless.Core.Contracts;

/// <summary>
/// Kubernetes Events about a resource (<c>kubectl describe fn hello</c> lists them): what the controller did and what
/// went wrong, in words an operator reads. Fire and forget: <see cref="Record"/> never blocks and never throws; a
/// recorder may merge repeats and drop a flood (client-go's EventRecorder does both). Local mode records none
/// (<see cref="NoEventRecorder"/>): its admin API shows status and logs instead.
/// </summary>
public interface IEventRecorder
{
    /// <param name="regarding">The object the event is about (its kind, name, namespace and uid are used).</param>
    /// <param name="type"><see cref="EventTypes.Normal"/> or <see cref="EventTypes.Warning"/>.</param>
    /// <param name="reason">UpperCamelCase, machine-readable: <c>Created</c>, <c>NotOwned</c>, …</param>
    /// <param name="message">For people: what happened to which object.</param>
    void Record(IKubernetesObject<V1ObjectMeta> regarding, string type, string reason, string message);
}
