using System.Collections.Concurrent;
using Serverless.Core.Contracts;

namespace Serverless.Autoscaler.Ingest;

/// <summary>
/// What the activators report over HTTP, combined: per function and second the sum over activators (each
/// activator's samples in one second averaged, as <see cref="Scaling.MetricWindow"/> does for one reporter), and
/// the live view the autoscaler asks before scaling to zero (<see cref="IFunctionActivity"/>): the sum of every
/// activator's latest in-flight and queued counts. An activator that stopped reporting for
/// <see cref="Expiry"/> (it went idle, away, or was restarted under a new name) counts no more.
/// </summary>
/// <remarks>
/// Samples are keyed by activator and sample time, so a replay of samples already held changes nothing, and a
/// replay to a restarted autoscaler rebuilds exactly what it had. Thread-safe: one lock per function.
/// </remarks>
public sealed class ActivatorReports : IFunctionActivity
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _retention;
    private readonly ConcurrentDictionary<FunctionKey, FunctionReports> _functions = new();

    /// <param name="time">The clock that ages reports: expiry counts from receipt, so activator clocks do not matter.</param>
    /// <param name="retention">How far back seconds are kept for combining: the stable window.</param>
    /// <param name="expiry">How long an activator's latest report speaks for it. Default 5 s: a few missed 1 s reports.</param>
    public ActivatorReports(TimeProvider time, TimeSpan retention, TimeSpan? expiry = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        _time = time;
        _retention = retention;
        Expiry = expiry ?? TimeSpan.FromSeconds(5);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Expiry, TimeSpan.Zero);
    }

    public TimeSpan Expiry { get; }

    /// <summary>
    /// Records an activator's samples; returns, for every (function, second) they touched, the combined sample of
    /// that second, to be made the second's whole value in the scaler's window.
    /// </summary>
    public IReadOnlyList<ConcurrencySample> Record(string activator, IReadOnlyList<ConcurrencySample> samples)
    {
        ArgumentException.ThrowIfNullOrEmpty(activator);
        var received = _time.GetUtcNow();
        var touched = new HashSet<(FunctionKey, long)>();
        foreach (var sample in samples)
        {
            var reports = _functions.GetOrAdd(sample.Key, _ => new FunctionReports());
            lock (reports)
            {
                reports.Add(activator, sample, received, _retention);
            }

            touched.Add((sample.Key, Second(sample.Time)));
        }

        var combined = new List<ConcurrencySample>(touched.Count);
        foreach (var (key, second) in touched)
        {
            var reports = _functions[key];
            lock (reports)
            {
                if (reports.Combine(key, second) is { } sample)
                {
                    combined.Add(sample);
                }
            }
        }

        return combined;
    }

    /// <summary>Requests in flight plus queued for the function, summed over the activators that reported recently.</summary>
    public int ActiveRequests(FunctionKey key) => Sum(key, static sample => sample.InFlight + sample.QueueDepth);

    /// <summary>Requests in flight to one instance, summed over the activators that reported recently.</summary>
    public int InFlight(FunctionKey key, string instanceId) =>
        Sum(key, sample => sample.Instances is { } instances && instances.TryGetValue(instanceId, out var count) ? count : 0);

    /// <summary>
    /// Requests in flight per instance of the function, summed over the activators that reported recently; every
    /// instance any of them knows, idle ones with 0.
    /// </summary>
    /// <remarks>
    /// Only the tests call it: the Kubernetes backend's <c>pod-deletion-cost</c> asks <see cref="InFlight"/> pod by pod.
    /// </remarks>
    internal IReadOnlyDictionary<string, int> InstanceInFlight(FunctionKey key)
    {
        var result = new Dictionary<string, int>();
        foreach (var sample in Current(key))
        {
            foreach (var (id, count) in sample.Instances ?? new Dictionary<string, int>())
            {
                result[id] = result.GetValueOrDefault(id) + count;
            }
        }

        return result;
    }

    private int Sum(FunctionKey key, Func<ConcurrencySample, int> select)
    {
        var total = 0;
        foreach (var sample in Current(key))
        {
            total += select(sample);
        }

        return total;
    }

    /// <summary>Each activator's latest sample of the function, those received within <see cref="Expiry"/>.</summary>
    private List<ConcurrencySample> Current(FunctionKey key)
    {
        if (!_functions.TryGetValue(key, out var reports))
        {
            return [];
        }

        var oldest = _time.GetUtcNow() - Expiry;
        lock (reports)
        {
            return reports.Latest.Values.Where(l => l.Received >= oldest).Select(l => l.Sample).ToList();
        }
    }

    private static long Second(DateTimeOffset time) => time.UtcTicks / TimeSpan.TicksPerSecond;

    /// <summary>One function's reports. Guarded by locking the instance.</summary>
    private sealed class FunctionReports
    {
        private readonly SortedDictionary<long, Dictionary<(string Activator, long Ticks), ConcurrencySample>> _seconds = [];

        public Dictionary<string, (ConcurrencySample Sample, DateTimeOffset Received)> Latest { get; } = [];

        public void Add(string activator, ConcurrencySample sample, DateTimeOffset received, TimeSpan retention)
        {
            // A replayed (older) sample fills its second but does not speak for the activator's present.
            if (!Latest.TryGetValue(activator, out var latest) || sample.Time >= latest.Sample.Time)
            {
                Latest[activator] = (sample, received);
            }

            var second = Second(sample.Time);
            if (!_seconds.TryGetValue(second, out var samples))
            {
                _seconds[second] = samples = [];
            }

            samples[(activator, sample.Time.UtcTicks)] = sample;
            var keepFrom = _seconds.Keys.Last() - (long)Math.Ceiling(retention.TotalSeconds);
            while (_seconds.Count > 0 && _seconds.Keys.First() < keepFrom)
            {
                _seconds.Remove(_seconds.Keys.First());
            }
        }

        /// <summary>Sum over activators of each one's average in the second; null when the second was dropped as too old.</summary>
        public ConcurrencySample? Combine(FunctionKey key, long second)
        {
            if (!_seconds.TryGetValue(second, out var samples))
            {
                return null;
            }

            double average = 0, rps = 0;
            int peak = 0, queue = 0, inFlight = 0;
            foreach (var group in samples.GroupBy(s => s.Key.Activator, s => s.Value))
            {
                var count = group.Count();
                average += group.Sum(s => s.AverageConcurrency) / count;
                rps += group.Sum(s => s.RequestsPerSecond) / count;
                peak += group.Max(s => s.PeakConcurrency);
                queue += group.Last().QueueDepth;
                inFlight += group.Last().InFlight;
            }

            return new ConcurrencySample(key, new DateTimeOffset(second * TimeSpan.TicksPerSecond, TimeSpan.Zero), average, peak, rps, queue, inFlight);
        }
    }
}
