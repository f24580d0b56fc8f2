namespace Serverless.Bench.Autoscaler;

/// <summary>A scaling policy under test, seeing what the platform would: the load each second and the ready count at each tick.</summary>
internal interface IController
{
    string Name { get; }

    /// <summary>The count before any decision: 0 for a function that scales to zero.</summary>
    int InitialCount { get; }

    /// <summary>Whether a request arriving at zero instances starts one at once (the activator's signal), between ticks.</summary>
    bool ActivatesFromZero { get; }

    void Observe(int second, double load);

    int Decide(int second, double load, int ready, int desired);

    /// <summary>
    /// Whether the load seen between ticks asks for a decision now (the KPA's activator poke when more requests are active
    /// than the ready instances take); a tick decides anyway.
    /// </summary>
    bool Poked(double load, int ready, int desired);
}
