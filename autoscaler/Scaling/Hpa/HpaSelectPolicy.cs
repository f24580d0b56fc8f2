namespace Serverless.Autoscaler.Scaling.Hpa;

/// <summary>Which of several policies wins, as <c>autoscaling/v2</c>'s <c>selectPolicy</c>.</summary>
internal enum HpaSelectPolicy
{
    /// <summary>The policy allowing the largest change (Kubernetes' default).</summary>
    Max,

    /// <summary>The policy allowing the smallest change.</summary>
    Min,

    /// <summary>No change in this direction at all.</summary>
    Disabled,
}
