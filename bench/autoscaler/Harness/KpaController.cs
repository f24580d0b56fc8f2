using Serverless.Autoscaler.Configuration;
using Serverless.Autoscaler.Scaling;
using Serverless.Core.Defaulting;

namespace Serverless.Bench.Autoscaler;

/// <summary>The platform's KPA as the shell will drive it: a window fed each second, a decision each tick.</summary>
internal sealed class KpaController : IController
{
    private readonly AutoscalerOptions _options;
    private readonly EffectiveScale _scale;
    private readonly MetricWindow _window;
    private readonly DateTimeOffset _epoch;
    private KpaState _state = KpaState.Initial;

    public KpaController(AutoscalerOptions options, EffectiveScale scale, DateTimeOffset epoch)
    {
        _options = options;
        _scale = scale;
        _epoch = epoch;
        _window = new MetricWindow(options.StableWindow, options.PanicWindow);
    }

    public string Name => "kpa";

    public int InitialCount => _scale.InitialScale; // the platform creates a Function's workload at its initialScale (1 by default)

    public bool ActivatesFromZero => true;

    public int PanicTicks { get; private set; }

    public void Observe(int second, double load) => _window.Record(_epoch.AddSeconds(second), load);

    public int PokedDecisions { get; private set; }

    // What the platform's FunctionScaler does on each report: the activators' live count beyond the ready capacity.
    public bool Poked(double load, int ready, int desired)
    {
        var poked = desired > 0 && KpaScaler.OverCapacity(load, ready, _scale);
        PokedDecisions += poked ? 1 : 0;
        return poked;
    }

    public int Decide(int second, double load, int ready, int desired)
    {
        var now = _epoch.AddSeconds(second);
        var decision = KpaScaler.Decide(new KpaInputs
        {
            Now = now,
            Observed = _window.Averages(now),
            WatchedSince = _epoch,
            Scale = _scale,
            Options = _options,
            ReadyCount = ready,
            CurrentDesired = desired,
            State = _state,
            CanScaleToZero = load == 0,
            InstantLoad = load,
        });
        _state = decision.State;
        PanicTicks += decision.InPanic ? 1 : 0;
        return decision.DesiredScale;
    }
}
