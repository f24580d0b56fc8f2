namespace Serverless.Autoscaler.Scaling.Hpa;

/// <summary>
/// An <c>autoscaling/v2</c> <c>behavior</c>; <see cref="Default"/> is what Kubernetes applies when a
/// HorizontalPodAutoscaler sets none: up at once by the larger of 4 pods or 100% per 15 s, down to the highest
/// recommendation of the last 300 s by up to 100% per 15 s.
/// </summary>
internal sealed record HpaBehavior(HpaScalingRules ScaleUp, HpaScalingRules ScaleDown)
{
    public static readonly TimeSpan DefaultScaleDownStabilization = TimeSpan.FromSeconds(300);

    public static HpaBehavior Default { get; } = WithScaleDownStabilization(DefaultScaleDownStabilization);

    /// <summary>Kubernetes' defaults with another scale-down stabilization window (<c>hpa-scale-down-stabilization</c>).</summary>
    public static HpaBehavior WithScaleDownStabilization(TimeSpan window) => new(
        new HpaScalingRules(
            TimeSpan.Zero,
            HpaSelectPolicy.Max,
            [new HpaPolicy(HpaPolicyType.Pods, 4, TimeSpan.FromSeconds(15)), new HpaPolicy(HpaPolicyType.Percent, 100, TimeSpan.FromSeconds(15))]),
        new HpaScalingRules(
            window,
            HpaSelectPolicy.Max,
            [new HpaPolicy(HpaPolicyType.Percent, 100, TimeSpan.FromSeconds(15))]));
}
