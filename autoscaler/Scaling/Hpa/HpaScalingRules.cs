namespace Serverless.Autoscaler.Scaling.Hpa;

/// <summary>One direction of an <c>autoscaling/v2</c> <c>behavior</c>: its stabilization window and rate policies.</summary>
internal sealed record HpaScalingRules(TimeSpan StabilizationWindow, HpaSelectPolicy SelectPolicy, IReadOnlyList<HpaPolicy> Policies);
