using Serverless.Core.Contracts;

namespace Serverless.Autoscaler.Tests.Fakes;

/// <summary>
/// A <see cref="FakeWorkloadScaler"/> that also reports instance usage, as the local backend does: instances
/// <c>i0</c>, <c>i1</c>, … of the current count, all ready, their CPU seconds accumulated by <see cref="Burn"/>.
/// </summary>
internal sealed class MeteredWorkloadScaler : FakeWorkloadScaler, IInstanceUsageSource
{
    private readonly Dictionary<string, double> _cpuSeconds = [];

    /// <summary>Spreads <paramref name="cores"/> of demand over <paramref name="seconds"/> evenly on the current instances.</summary>
    public void Burn(FunctionKey key, double cores, double seconds)
    {
        var count = GetStatus(key)?.ReadyReplicas ?? 0;
        lock (_cpuSeconds)
        {
            for (var i = 0; i < count; i++)
            {
                _cpuSeconds[$"i{i}"] = _cpuSeconds.GetValueOrDefault($"i{i}") + (cores / count * seconds);
            }
        }
    }

    public IReadOnlyList<InstanceUsage> Usage(FunctionKey key)
    {
        var count = GetStatus(key)?.ReadyReplicas ?? 0;
        lock (_cpuSeconds)
        {
            return [.. Enumerable.Range(0, count).Select(i => new InstanceUsage($"i{i}", true, _cpuSeconds.GetValueOrDefault($"i{i}"), 64L << 20, 1000))];
        }
    }
}
