using Serverless.KubeApiServer.Audit;

namespace Serverless.KubeApiServer.Faults;

/// <summary>
/// Makes the next <see cref="Remaining"/> requests matching <see cref="Match"/> fail as <see cref="Kind"/> says.
/// The record passed to <see cref="Match"/> carries status code 0: the request has not been answered yet.
/// </summary>
public sealed class FaultRule(Func<AuditRecord, bool> match, int count, FaultKind kind, int statusCode = 500, TimeSpan delay = default)
{
    private int _remaining = count;

    public Func<AuditRecord, bool> Match { get; } = match;

    public FaultKind Kind { get; } = kind;

    public int StatusCode { get; } = statusCode;

    /// <summary>For <see cref="FaultKind.Delay"/>: how long the answer waits.</summary>
    public TimeSpan Delay { get; } = delay;

    public int Remaining => Volatile.Read(ref _remaining);

    internal bool TryConsume()
    {
        while (true)
        {
            var current = Volatile.Read(ref _remaining);
            if (current <= 0)
            {
                return false;
            }

            if (current == int.MaxValue || Interlocked.CompareExchange(ref _remaining, current - 1, current) == current)
            {
                return true;
            }
        }
    }
}
