using Serverless.Autoscaler.Scaling;
using Serverless.Core.Defaulting;

namespace Serverless.Bench.Autoscaler;

/// <summary>
/// Replays a trace second by second against a controller: instances become ready <c>startupDelay</c> seconds after
/// being asked for and go at once when scaled down (newest first, so starting ones go before ready ones).
/// </summary>
internal static class Simulator
{
    public static SimulationResult Run(Trace trace, IController controller, EffectiveScale scale, int tickSeconds, int startupDelaySeconds)
    {
        var perInstance = scale.Target * scale.TargetUtilization;
        var capacity = (double)scale.Target; // requests one instance serves at once; the rest wait
        var readyAt = new List<int>();
        for (var i = 0; i < controller.InitialCount; i++)
        {
            readyAt.Add(0);
        }

        double instanceSeconds = 0, ideal = 0, overCapacity = 0, coldWait = 0;
        var coldStarts = 0;
        for (var t = 0; t < trace.Seconds; t++)
        {
            var load = trace.Load(t);
            var ready = readyAt.Count(r => r <= t);
            overCapacity += Math.Max(0, load - ready * capacity);
            coldWait += ready == 0 ? load : 0;
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
                readyAt.Add(t + startupDelaySeconds);
            }

            if (readyAt.Count > desired)
            {
                readyAt.RemoveRange(desired, readyAt.Count - desired);
            }

            instanceSeconds += readyAt.Count;
        }

        return new SimulationResult(trace.Name, controller.Name, instanceSeconds, ideal, coldStarts, overCapacity, coldWait,
            controller is KpaController kpa ? kpa.PanicTicks : 0, controller is KpaController poked ? poked.PokedDecisions : 0);
    }
}
