using Serverless.KubeApiServer.Audit;

namespace Serverless.KubeApiServer.Faults;

/// <summary>The double's failure injection: rules tried in the order they were added.</summary>
/// <remarks>Thread-safe.</remarks>
public sealed class FaultInjector
{
    private readonly object _gate = new();
    private readonly List<FaultRule> _rules = [];

    public FaultRule Add(FaultRule rule)
    {
        lock (_gate)
        {
            _rules.Add(rule);
        }

        return rule;
    }

    /// <summary>The next <paramref name="count"/> matching requests answer <paramref name="statusCode"/> with a Status body.</summary>
    public FaultRule FailNext(int count, int statusCode, Func<AuditRecord, bool> match) =>
        Add(new FaultRule(match, count, FaultKind.Status, statusCode));

    /// <summary>Every matching request (every request when <paramref name="match"/> is null) is answered after <paramref name="delay"/>, until cleared.</summary>
    public FaultRule SlowDown(TimeSpan delay, Func<AuditRecord, bool>? match = null) =>
        Add(new FaultRule(match ?? (_ => true), int.MaxValue, FaultKind.Delay, delay: delay));

    /// <summary>The next <paramref name="count"/> matching requests get a response cut off mid-body and a reset connection.</summary>
    public FaultRule ResetNext(int count, Func<AuditRecord, bool> match) =>
        Add(new FaultRule(match, count, FaultKind.Reset));

    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }

    internal FaultRule? Take(AuditRecord request)
    {
        lock (_gate)
        {
            _rules.RemoveAll(r => r.Remaining <= 0);
            return _rules.FirstOrDefault(r => r.Match(request) && r.TryConsume());
        }
    }
}
