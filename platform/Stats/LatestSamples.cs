using System.Collections.Concurrent;
using Serverless.Core.Contracts;

namespace Serverless.Platform.Stats;

/// <summary>
/// Sits between the activator's reporter and the autoscaler: remembers each function's latest per-second
/// <see cref="ConcurrencySample"/> for <c>GET /stats/functions</c> and passes every sample on unchanged.
/// A decorator, so neither the activator nor the autoscaler knows about <c>func top</c>.
/// </summary>
/// <remarks>Thread-safe; <see cref="Report"/> never blocks (a dictionary write, then the inner sink).</remarks>
internal sealed class LatestSamples : IConcurrencySink
{
    private readonly IConcurrencySink _inner;
    private readonly ConcurrentDictionary<FunctionKey, ConcurrencySample> _latest = new();

    public LatestSamples(IConcurrencySink inner)
    {
        _inner = inner;
    }

    public void Report(ConcurrencySample sample)
    {
        _latest[sample.Key] = sample;
        _inner.Report(sample);
    }

    /// <summary>Passed on: an HTTP sink sends what it holds at the end of each reporting pass.</summary>
    public void Flush() => _inner.Flush();

    /// <summary>The latest sample, or null when none is newer than <paramref name="notBefore"/> (a function that went quiet reports nothing).</summary>
    public ConcurrencySample? Latest(FunctionKey key, DateTimeOffset notBefore) =>
        _latest.TryGetValue(key, out var sample) && sample.Time >= notBefore ? sample : null;
}
