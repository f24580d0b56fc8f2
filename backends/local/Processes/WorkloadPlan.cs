namespace Serverless.Backends.Local.Processes;

/// <summary>The instances of the current revision to start and the instances (ids) to drain.</summary>
internal sealed record WorkloadPlan(int ToStart, IReadOnlyList<string> ToDrain)
{
    public static readonly WorkloadPlan Nothing = new(0, []);
}
