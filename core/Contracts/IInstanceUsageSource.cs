namespace Serverless.Core.Contracts;

/// <summary>
/// The backends that can read each instance's CPU and memory (the local one, from cgroups or <c>/proc</c>). On
/// Kubernetes the cluster's HorizontalPodAutoscaler reads the metrics API itself, so nothing implements this there.
/// </summary>
public interface IInstanceUsageSource
{
    /// <summary>Every live instance of the function (ready or starting) with what could be read of it now.</summary>
    IReadOnlyList<InstanceUsage> Usage(FunctionKey key);
}
