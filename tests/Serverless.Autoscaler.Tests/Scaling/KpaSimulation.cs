using Serverless.Autoscaler.Configuration;
using Serverless.Autoscaler.Scaling;
using Serverless.Core.Defaulting;

namespace Serverless.Autoscaler.Tests.Scaling;

/// <summary>
/// Drives <see cref="KpaScaler"/> the way the shell will: one sample a second into a <see cref="MetricWindow"/>, a decision
/// every 2 s. Instances are ready the moment they are asked for, so the assertions see the algorithm alone.
/// </summary>
internal sealed class KpaSimulation
{
    private readonly AutoscalerOptions _options;
    private readonly EffectiveScale _scale;
    private readonly MetricWindow _window;
    private readonly bool _canScaleToZero;
    private readonly bool _liveLoad;
    private KpaState _state = KpaState.Initial;
    private int _desired;

    /// <param name="liveLoad">
    /// Whether the decisions see the activators' live count (the load of the second) and a second between ticks whose
    /// load needs more instances than are ready is decided at once, as the platform's poke does.
    /// </param>
    public KpaSimulation(EffectiveScale? scale = null, int initialDesired = 1, bool canScaleToZero = true, AutoscalerOptions? options = null, bool liveLoad = false)
    {
        _liveLoad = liveLoad;
        _options = options ?? new AutoscalerOptions();
        _scale = scale ?? KpaTestInputs.Scale();
        _window = new MetricWindow(_options.StableWindow, _options.PanicWindow);
        _canScaleToZero = canScaleToZero;
        _desired = initialDesired;
    }

    public SimulatedTick Tick(int seconds, double load)
    {
        var now = KpaTestInputs.T0.AddSeconds(seconds);
        _window.Record(now, load);
        var readyBefore = Math.Max(1, _desired);
        var decision = KpaScaler.Decide(new KpaInputs
        {
            Now = now,
            Observed = _window.Averages(now),
            WatchedSince = KpaTestInputs.T0,
            Scale = _scale,
            Options = _options,
            ReadyCount = _desired,
            CurrentDesired = _desired,
            State = _state,
            CanScaleToZero = _canScaleToZero && load == 0,
            InstantLoad = _liveLoad ? load : 0,
        });
        _state = decision.State;
        _desired = decision.DesiredScale;
        return new SimulatedTick(decision.DesiredScale, decision.InPanic, decision.DesiredPanicPods, readyBefore, decision.Reason);
    }

    /// <summary>Runs <paramref name="seconds"/> seconds; the result holds the seconds where decisions were taken (the even ones, and poked ones).</summary>
    public static Dictionary<int, SimulatedTick> Run(KpaSimulation sim, int seconds, Func<int, double> load)
    {
        var ticks = new Dictionary<int, SimulatedTick>();
        for (var t = 0; t < seconds; t++)
        {
            if (t % 2 == 0 || (sim._liveLoad && KpaScaler.OverCapacity(load(t), sim._desired, sim._scale)))
            {
                ticks[t] = sim.Tick(t, load(t));
            }
            else
            {
                sim._window.Record(KpaTestInputs.T0.AddSeconds(t), load(t));
            }
        }

        return ticks;
    }
}
