namespace Serverless.Runtime.Dotnet.Hosting;

/// <summary>What /readyz answers: 200 only between the handler's load and the start of the drain. Thread-safe.</summary>
internal sealed class ReadinessState
{
    private int _phase = (int)ReadinessPhase.Loading;

    public ReadinessPhase Phase => (ReadinessPhase)Volatile.Read(ref _phase);

    /// <summary>Moves from loading to ready; a drain that already began is never undone.</summary>
    public void MarkReady() => Interlocked.CompareExchange(ref _phase, (int)ReadinessPhase.Ready, (int)ReadinessPhase.Loading);

    public void MarkDraining() => Volatile.Write(ref _phase, (int)ReadinessPhase.Draining);
}
