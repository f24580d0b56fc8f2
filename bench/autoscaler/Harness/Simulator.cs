using Serverless.Autoscaler.Scaling;
using Serverless.Core.Defaulting;

namespace Serverless.Bench.Autoscaler;

/// <summary>
/// Replays a trace second by second against a controller. Instances become ready the start-up model's delay after
/// being asked for (from the warm pool while it has idle instances) and go at once when scaled down (newest first,
/// so starting ones go before ready ones).
/// </summary>
/// <remarks>
/// Decisions see the instances ready at the start of a second. Capacity is integrated over the second: an instance
/// ready 20 ms into it serves the other 980 ms, so sub-second start-ups count for what they are. With whole-second
/// delays this is the same as counting the instances ready at the start of each second.
/// </remarks>
internal static class Simulator
{
    public static SimulationResult Run(Trace trace, IController controller, EffectiveScale scale, int tickSeconds, StartupModel startup)
    {
        var perInstance = scale.Target * scale.TargetUtilization;
        var capacity = (double)scale.Target; // requests one instance serves at once; the rest wait
        var readyAt = new List<double>();
        for (var i = 0; i < controller.InitialCount; i++)
        {
            readyAt.Add(0);
        }

        var pool = new WarmPool(startup);
        double instanceSeconds = 0, ideal = 0, overCapacity = 0, coldWait = 0;
        var coldStarts = 0;
        for (var t = 0; t < trace.Seconds; t++)
        {
            pool.Refill(t);
            var load = trace.Load(t);
            var ready = readyAt.Count(r => r <= t);
            ideal += Math.Ceiling(load / perInstance);

            controller.Observe(t, load);
            var desired = readyAt.Count;
            if (controller.ActivatesFromZero && desired == 0 && load > 0)
            {
                desired = ScaleBounds.ForActivation(scale);
            }

            if (t % tickSeconds == 0 || controller.Poked(load, ready, desired))
            {
                desired = controller.Decide(t, load, ready, desired);
            }

            if (readyAt.Count == 0 && desired > 0)
            {
                coldStarts++;
            }

            while (readyAt.Count < desired)
            {
                readyAt.Add(t + pool.Take(t));
            }

            if (readyAt.Count > desired)
            {
                readyAt.RemoveRange(desired, readyAt.Count - desired);
            }

            var (over, atZero) = OverCapacity(t, load, capacity, readyAt);
            overCapacity += over;
            coldWait += atZero;
            instanceSeconds += readyAt.Count;
        }

        return new SimulationResult(trace.Name, controller.Name, instanceSeconds, ideal, coldStarts, overCapacity, coldWait,
            controller is KpaController kpa ? kpa.PanicTicks : 0, controller is KpaController poked ? poked.PokedDecisions : 0,
            pool.IdleSeconds);
    }

    /// <summary>
    /// Request-seconds over capacity in [t, t+1), integrated piecewise between the moments instances become ready, and
    /// the part of them while none is ready.
    /// </summary>
    private static (double Over, double AtZero) OverCapacity(int t, double load, double capacity, List<double> readyAt)
    {
        var edges = readyAt.Where(r => r > t && r < t + 1).Append(t + 1).Order().ToList();
        double over = 0, atZero = 0, from = t;
        foreach (var to in edges)
        {
            var ready = readyAt.Count(r => r <= from);
            var part = Math.Max(0, load - ready * capacity) * (to - from);
            over += part;
            atZero += ready == 0 ? part : 0;
            from = to;
        }

        return (over, atZero);
    }

    /// <summary>The warm pool of one simulation: idle instances, and refills on their way.</summary>
    private sealed class WarmPool(StartupModel model)
    {
        private readonly List<double> _refills = [];
        private int _idle = model.PoolSize;

        /// <summary>Seconds the pool's idle instances ran (generic processes, shared by every function of a platform).</summary>
        public double IdleSeconds { get; private set; }

        public void Refill(int second)
        {
            _idle += _refills.RemoveAll(r => r <= second);
            IdleSeconds += _idle;
        }

        /// <summary>The start-up delay of one more instance asked for at <paramref name="second"/>.</summary>
        public double Take(int second)
        {
            if (_idle == 0)
            {
                return model.FreshSeconds;
            }

            _idle--;
            _refills.Add(second + model.FreshSeconds);
            return model.PoolSeconds;
        }
    }
}
