using Serverless.Core.Api;

namespace Serverless.Controller.Reconcilers.Function.Revisions;

/// <summary>
/// Knative's gradual rollout stepping (<c>rollout-duration</c>), pure and on the time it is given. The share of the
/// latest-revision traffic moves to the new revision in <c>n</c> equal steps, one every <c>duration / n</c>, the first
/// at once (Knative's starts with 1% at once); no step is shorter than <see cref="MinStepInterval"/>, and none is
/// smaller than 1%. A step is taken only once the new revision's instances are ready for its current share.
/// </summary>
/// <remarks>
/// Worked numbers for 100%: 5m gives 100 steps of 1%, one every 3 s; 10s gives 10 steps of 10%, one a second (100%
/// after 9 s); 2s gives 2 steps of 50%. For 10% (a <c>latestRevision</c> target of 10): 1m gives 10 steps of 1%, one
/// every 6 s.
/// </remarks>
internal static class RolloutStepper
{
    /// <summary>Knative's <c>minStepSec</c>: one second.</summary>
    public static readonly TimeSpan MinStepInterval = TimeSpan.FromSeconds(1);

    /// <summary>The rollout from <paramref name="previous"/> to <paramref name="revision"/>, its first step taken at <paramref name="now"/>.</summary>
    public static RolloutStatus Start(string revision, string previous, int targetPercent, TimeSpan duration, DateTime now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(targetPercent, 1);
        var steps = (int)Math.Clamp(duration.Ticks / MinStepInterval.Ticks, 1, targetPercent);
        var size = (targetPercent + steps - 1) / steps;
        return new RolloutStatus
        {
            RevisionName = revision,
            PreviousRevisionName = previous,
            Percent = Math.Min(size, targetPercent),
            TargetPercent = targetPercent,
            StepPercent = size,
            StepIntervalMilliseconds = (long)(duration / steps).TotalMilliseconds,
            LastStepTime = now,
        };
    }

    /// <summary>
    /// The rollout after this pass, and how long until the next step is due (null once it is done). A step is due
    /// one interval after the last; it waits for <paramref name="readyForShare"/> when that is false.
    /// </summary>
    public static (RolloutStatus State, TimeSpan? Wait) Next(RolloutStatus state, bool readyForShare, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Percent >= state.TargetPercent)
        {
            return (state, null);
        }

        var interval = TimeSpan.FromMilliseconds(state.StepIntervalMilliseconds);
        var due = state.LastStepTime + interval;
        if (now < due)
        {
            return (state, due - now);
        }

        if (!readyForShare)
        {
            // The new revision's instances change its status, which reconciles again; the interval is a backstop.
            return (state, interval);
        }

        var next = new RolloutStatus
        {
            RevisionName = state.RevisionName,
            PreviousRevisionName = state.PreviousRevisionName,
            Percent = Math.Min(state.TargetPercent, state.Percent + state.StepPercent),
            TargetPercent = state.TargetPercent,
            StepPercent = state.StepPercent,
            StepIntervalMilliseconds = state.StepIntervalMilliseconds,
            LastStepTime = now,
        };
        return (next, next.Percent >= next.TargetPercent ? null : interval);
    }

    /// <summary>
    /// status.traffic during a rollout: the latest-revision targets (resolved to the new revision) give the previous
    /// revision its remaining share, listed first; a tag stays with the new revision.
    /// </summary>
    public static List<TrafficTarget> Split(IEnumerable<TrafficTarget> resolved, RolloutStatus state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var left = state.TargetPercent - state.Percent;
        var split = new List<TrafficTarget>();
        foreach (var target in resolved)
        {
            if (target.LatestRevision == true && target.RevisionName == state.RevisionName && left > 0 && target.Percent is > 0 and var percent)
            {
                var old = Math.Min(left, percent);
                left -= old;
                split.Add(new TrafficTarget { RevisionName = state.PreviousRevisionName, LatestRevision = true, Percent = old });
                if (percent - old > 0 || target.Tag is not null)
                {
                    split.Add(new TrafficTarget { Tag = target.Tag, RevisionName = target.RevisionName, LatestRevision = true, Percent = percent - old, Url = target.Url });
                }
            }
            else
            {
                split.Add(target);
            }
        }

        return split;
    }
}
