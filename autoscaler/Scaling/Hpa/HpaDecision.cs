namespace Serverless.Autoscaler.Scaling.Hpa;

/// <summary>An HPA decision and the numbers behind it.</summary>
/// <param name="DesiredReplicas">The count to ask for.</param>
/// <param name="Recommendation">What the metric alone asks for (the replica calculator), before stabilization, policies and bounds.</param>
/// <param name="UsageRatio">Current ÷ target over the measured ready instances; 0 when none is measured.</param>
/// <param name="State">To pass back in next time.</param>
internal readonly record struct HpaDecision(int DesiredReplicas, int Recommendation, double UsageRatio, HpaState State);
