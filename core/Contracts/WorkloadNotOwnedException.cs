namespace Serverless.Core.Contracts;

/// <summary>
/// An object the workload needs (a Deployment, a Service) exists with the function's name but is not the function's:
/// it lacks the Function's controller ownerReference. It is left alone, and the Function reports <c>NotOwned</c>
/// until the object goes away; as Knative does for a Revision.
/// </summary>
public sealed class WorkloadNotOwnedException : InvalidOperationException
{
    public WorkloadNotOwnedException(string kind, string @namespace, string name, string message)
        : base(message)
    {
        Kind = kind;
        Namespace = @namespace;
        Name = name;
    }

    public string Kind { get; }

    public string Namespace { get; }

    public string Name { get; }
}
