namespace Serverless.Autoscaler.Scaling.Hpa;

/// <summary>One instance as the HPA sees it: ready or not, and its measured usage (null when not measured yet).</summary>
/// <param name="Ready">Serving: an instance still starting is not ready and, as in Kubernetes, never counts towards a scale-down.</param>
/// <param name="Usage">CPU in millicores or memory in MiB over the last interval; null when the instance has no measurement yet.</param>
/// <param name="Request">What the metric is relative to: the CPU request in millicores for a utilization target; unused for an average-value target.</param>
internal readonly record struct HpaInstanceUsage(bool Ready, double? Usage, double Request);
