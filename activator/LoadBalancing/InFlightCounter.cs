namespace Serverless.Activator.LoadBalancing;

/// <summary>Requests in flight to one instance.</summary>
internal sealed class InFlightCounter
{
    private int _value;

    public int Value => Volatile.Read(ref _value);

    public void Increment() => Interlocked.Increment(ref _value);

    public void Decrement() => Interlocked.Decrement(ref _value);
}
