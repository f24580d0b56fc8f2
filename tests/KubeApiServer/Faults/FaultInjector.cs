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
