using k8s.Models;

namespace Serverless.Backends.Kubernetes.Events;

/// <summary>One occurrence to record: the object it is about, its type, reason and message.</summary>
internal sealed record EventRecord(V1ObjectReference Regarding, string Type, string Reason, string Message);
