namespace Serverless.Autoscaler.Scaling.Hpa;

/// <summary>How an <see cref="HpaPolicy"/> limits a change, as <c>autoscaling/v2</c>'s <c>HPAScalingPolicyType</c>.</summary>
internal enum HpaPolicyType
{
    /// <summary>At most this many instances added or removed in the period.</summary>
    Pods,

    /// <summary>At most this percentage of the count at the start of the period added or removed.</summary>
    Percent,
}
