using k8s.Models;

namespace Serverless.Backends.Kubernetes.Events;

/// <summary>The two calls the recorder makes (<c>events</c>: create, patch), a narrow role interface for tests and RBAC.</summary>
internal interface IEventApi
{
    Task CreateAsync(Corev1Event item, CancellationToken cancellationToken);

    /// <summary>Sets count, message and lastTimestamp of an Event that exists.</summary>
    /// <exception cref="Core.Contracts.StoreException">NotFound: the Event expired (the API server keeps them an hour).</exception>
    Task RepeatAsync(string @namespace, string name, int count, string message, DateTime lastTimestamp, CancellationToken cancellationToken);
}
