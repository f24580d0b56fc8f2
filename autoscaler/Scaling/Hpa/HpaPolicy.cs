namespace Serverless.Autoscaler.Scaling.Hpa;

/// <summary>One <c>HPAScalingPolicy</c>: a limit of <paramref name="Value"/> (pods or percent) per <paramref name="Period"/>.</summary>
internal sealed record HpaPolicy(HpaPolicyType Type, int Value, TimeSpan Period);
