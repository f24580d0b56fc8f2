namespace Serverless.Core.Defaulting;

/// <summary>The values of <c>spec.scale.class</c>, Knative's <c>autoscaling.knative.dev/class</c>.</summary>
public static class ScaleClassNames
{
    /// <summary>The Knative pod autoscaler on the activators' request counts; the default. Scales to zero.</summary>
    public const string Kpa = "kpa.autoscaling.knative.dev";

    /// <summary>
    /// A HorizontalPodAutoscaler on CPU or memory per instance: on Kubernetes an <c>autoscaling/v2</c> object the
    /// controller owns, locally the same algorithm over each instance's cgroup or <c>/proc</c>. Never scales to zero.
    /// </summary>
    public const string Hpa = "hpa.autoscaling.knative.dev";

    public static readonly IReadOnlyList<string> All = [Kpa, Hpa];

    /// <summary>Whether a spec's class (null meaning the default) is the HPA class.</summary>
    public static bool IsHpa(string? scaleClass) => scaleClass == Hpa;
}
