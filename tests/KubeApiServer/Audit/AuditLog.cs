namespace Serverless.KubeApiServer.Audit;

/// <summary>Every request the double answered, in arrival order.</summary>
/// <remarks>Thread-safe.</remarks>
public sealed class AuditLog
{
    private readonly object _gate = new();
    private readonly List<AuditRecord> _records = [];

    public IReadOnlyList<AuditRecord> Records
    {
        get
        {
            lock (_gate)
            {
                return [.. _records];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _records.Count;
            }
        }
    }

    public IReadOnlyList<AuditRecord> For(string identity) => Records.Where(r => r.Identity == identity).ToList();

    public void Clear()
    {
        lock (_gate)
        {
            _records.Clear();
        }
    }

    internal void Add(AuditRecord record)
    {
        lock (_gate)
        {
            _records.Add(record);
        }
    }
}
