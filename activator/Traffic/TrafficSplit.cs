namespace Serverless.Activator.Traffic;

/// <summary>
/// A Function's split between revisions (<c>status.traffic</c>'s shares), chosen per request with an exact long-run
/// ratio and no stickiness: nginx's smooth weighted round robin, unrolled once into a schedule of Σweights slots
/// (100 for percents) and walked with an atomic counter, so a pick is lock-free and allocation-free.
/// </summary>
/// <remarks>
/// Exact, not random: every window of Σweights consecutive picks holds each revision exactly its weight times
/// (90/10 gives 9,000 and 1,000 of 10,000), and the smooth order spreads the small share evenly (one "b" every ten
/// picks, not ten in a row), so a canary sees its share from the first requests on. Thread-safe.
/// </remarks>
internal sealed class TrafficSplit
{
    private readonly string[] _schedule;
    private long _next = -1;

    /// <param name="weights">Revision and weight, weights positive (zero shares are left out by the caller).</param>
    public TrafficSplit(IReadOnlyList<KeyValuePair<string, int>> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count == 0 || weights.Any(w => w.Value <= 0))
        {
            throw new ArgumentException("a split needs at least one revision, every weight positive", nameof(weights));
        }

        Weights = weights;
        _schedule = Schedule(weights);
    }

    public IReadOnlyList<KeyValuePair<string, int>> Weights { get; }

    /// <summary>The revision for the next request.</summary>
    public string Pick()
    {
        if (_schedule.Length == 1)
        {
            return _schedule[0];
        }

        var n = (ulong)Interlocked.Increment(ref _next);
        return _schedule[(int)(n % (ulong)_schedule.Length)];
    }

    /// <summary>
    /// Smooth weighted round robin: each step every revision gains its weight, the richest is chosen and pays the total.
    /// Worked: a=90, b=10 gives b at steps 5, 15, 25, … (when b's credit first tops a's), a everywhere else.
    /// </summary>
    internal static string[] Schedule(IReadOnlyList<KeyValuePair<string, int>> weights)
    {
        var total = weights.Sum(w => w.Value);
        if (weights.Count == 1)
        {
            return [weights[0].Key];
        }

        var current = new long[weights.Count];
        var schedule = new string[total];
        for (var step = 0; step < total; step++)
        {
            var best = 0;
            for (var i = 0; i < weights.Count; i++)
            {
                current[i] += weights[i].Value;
                if (current[i] > current[best])
                {
                    best = i;
                }
            }

            current[best] -= total;
            schedule[step] = weights[best].Key;
        }

        return schedule;
    }
}
