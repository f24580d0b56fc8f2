namespace Serverless.Bench.Autoscaler;

/// <summary>
/// The baseline: Kubernetes' HPA reduced to its core. Each tick it wants ceil(current load ÷ per-instance target) (the
/// same 70 per instance as the KPA, so only the policy differs), at least minReplicas 1 as the HPA cannot reach zero;
/// it scales up at once and down only to the highest recommendation of the stabilization window (the HPA's 5 min,
/// scaled to the trace). No tolerance band and no rate policies.
/// </summary>
internal sealed class HpaController : IController
{
    private readonly double _perInstance;
    private readonly int _stabilizationSeconds;
    private readonly Queue<(int Second, int Count)> _recommendations = new();

    public HpaController(double perInstance, int stabilizationSeconds)
    {
        _perInstance = perInstance;
        _stabilizationSeconds = stabilizationSeconds;
    }

    public string Name => "hpa";

    public int InitialCount => 1;

    public bool ActivatesFromZero => false;

    public void Observe(int second, double load)
    {
    }

    public bool Poked(double load, int ready, int desired) => false;

    public int Decide(int second, double load, int ready, int desired)
    {
        var wanted = Math.Max(1, (int)Math.Ceiling(load / _perInstance));
        _recommendations.Enqueue((second, wanted));
        while (_recommendations.Peek().Second <= second - _stabilizationSeconds)
        {
            _recommendations.Dequeue();
        }

        return wanted >= desired ? wanted : Math.Min(desired, _recommendations.Max(r => r.Count));
    }
}
