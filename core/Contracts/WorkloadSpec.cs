namespace Serverless.Core.Contracts;

/// <summary>
/// What to run for one function, built from a validated, defaulted Function by the controller.
/// Every path and argument here has already been validated.
/// </summary>
public sealed record WorkloadSpec
{
    public required FunctionKey Key { get; init; }

    /// <summary>
    /// The Function a revision's workload belongs to when <see cref="Key"/> names the revision (a canary beside the
    /// Function's own workload, issue #17); null when the key is the Function's. Its artifacts are the Function's.
    /// </summary>
    public string? Function { get; init; }

    /// <summary>
    /// The Function the workload serves, <c>{namespace}/{function}</c>: what metrics and scrape targets name in their
    /// <c>function</c> label, whichever key the workload has.
    /// </summary>
    public FunctionKey FunctionKey => Function is { } function ? new FunctionKey(Key.Namespace, function) : Key;

    /// <summary>
    /// The Revision this workload runs (<c>{function}-00001</c>) when the controller cuts revisions; null when it does not.
    /// The Kubernetes backend labels the pods with it and reads the revision's artifact and resources from that Revision.
    /// </summary>
    public string? RevisionName { get; init; }

    /// <summary>Content hash of everything that affects the running instances; a change is a rollout.</summary>
    public required string Revision { get; init; }

    public required string Runtime { get; init; }

    public required string Handler { get; init; }

    /// <summary>Local mode: the artifact directory handed to the runtime as <c>FUNCTION_PATH</c>.</summary>
    public string? SourcePath { get; init; }

    public string? Image { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Environment { get; init; } = [];

    public required int TimeoutSeconds { get; init; }

    /// <summary>0 means unlimited.</summary>
    public required int ContainerConcurrency { get; init; }

    /// <summary><c>spec.resources</c>: the limits a backend enforces or reports as not enforced.</summary>
    public WorkloadResources Resources { get; init; } = WorkloadResources.None;

    /// <summary>
    /// False when the function opts out of warm pools (annotation <c>serverless.dev/pool: "false"</c>): its cold
    /// starts spawn a process of its own instead of specializing a generic one. Not part of the revision.
    /// </summary>
    public bool UsePool { get; init; } = true;
}
