namespace Serverless.Autoscaler.Scaling.Hpa;

/// <summary>Everything one <see cref="HpaScaler.Decide"/> call looks at.</summary>
internal readonly record struct HpaInputs
{
    public required DateTimeOffset Now { get; init; }

    /// <summary>The count the workload runs at now (Kubernetes' <c>currentReplicas</c>).</summary>
    public required int CurrentReplicas { get; init; }

    public required IReadOnlyList<HpaInstanceUsage> Instances { get; init; }

    /// <summary>
    /// The target: a utilization in percent of <see cref="HpaInstanceUsage.Request"/> when <see cref="Utilization"/>
    /// (metric cpu), else an average value per instance in the usage's unit (metric memory, MiB).
    /// </summary>
    public required double Target { get; init; }

    public required bool Utilization { get; init; }

    public required int MinReplicas { get; init; }

    /// <summary>0: no upper bound.</summary>
    public required int MaxReplicas { get; init; }

    public required HpaBehavior Behavior { get; init; }

    public required HpaState State { get; init; }
}
