using Serverless.Core.Api;

namespace Serverless.Cli.Project;

/// <summary>A function's <c>func.yaml</c>: what the developer declares, before the CLI adds where the code is.</summary>
internal sealed record FunctionProject
{
    public const string FileName = "func.yaml";

    public required string Name { get; init; }

    /// <summary>Null means "the --namespace flag, else default".</summary>
    public string? Namespace { get; init; }

    public required string Runtime { get; init; }

    public string? Handler { get; init; }

    public string? Image { get; init; }

    public IReadOnlyList<EnvVar> Env { get; init; } = [];

    public ScaleSpec? Scale { get; init; }

    public int? TimeoutSeconds { get; init; }

    /// <summary>
    /// <c>build.native</c>: a C# function compiled ahead of time, with its runtime, into one executable (NativeAOT).
    /// Starts in tens of milliseconds instead of a JIT-compiled host's hundreds; local backend only.
    /// </summary>
    public bool Native { get; init; }

    /// <summary>Event subscriptions applied with the function on deploy.</summary>
    public IReadOnlyList<TriggerDeclaration> Triggers { get; init; } = [];
}
