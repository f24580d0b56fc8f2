namespace Serverless.Backends.Kubernetes.Events;

/// <summary>What to do with one occurrence (<see cref="EventCorrelator"/>): write a new Event, count a repeat, or drop it.</summary>
internal abstract record EventDecision
{
    private EventDecision()
    {
    }

    /// <summary>A new Event named <paramref name="Name"/>, with <paramref name="Message"/> (the occurrence's, or its aggregate).</summary>
    public sealed record Create(string Name, string Message, DateTimeOffset Time) : EventDecision;

    /// <summary>The Event <paramref name="Name"/> happened again: <paramref name="Count"/> times since <paramref name="FirstTime"/>.</summary>
    public sealed record Repeat(string Name, string Message, int Count, DateTimeOffset FirstTime, DateTimeOffset Time) : EventDecision;

    /// <summary>The object's Event budget is spent: nothing is written.</summary>
    public sealed record Drop : EventDecision;
}
