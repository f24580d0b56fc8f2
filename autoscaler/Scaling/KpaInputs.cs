using Serverless.Autoscaler.Configuration;
using Serverless.Core.Defaulting;

namespace Serverless.Autoscaler.Scaling;

/// <summary>Everything one <see cref="KpaScaler.Decide"/> call looks at; nothing else is read.</summary>
internal readonly record struct KpaInputs
{
    public KpaInputs()
    {
    }

    public required DateTimeOffset Now { get; init; }

    /// <summary>The function's metric averaged at <see cref="Now"/>: concurrency, or requests/s for <c>metric: rps</c> (see <see cref="KpaScaler.ObservedValue"/>).</summary>
    public required WindowAverages Observed { get; init; }

    public required EffectiveScale Scale { get; init; }

    public required AutoscalerOptions Options { get; init; }

    /// <summary>
    /// When this scaler began watching the function (its first tick or sample since the Function appeared or the
    /// autoscaler started). With no sample for a whole panic window since then, the function is idle: every activator
    /// reports each function it serves every second, so silence that long means no request reached it.
    /// </summary>
    public required DateTimeOffset WatchedSince { get; init; }

    /// <summary>Instances ready to serve now.</summary>
    public required int ReadyCount { get; init; }

    /// <summary>The count last asked of the backend (ready or still starting); a new function's is its initial scale.</summary>
    public required int CurrentDesired { get; init; }

    /// <summary>The previous decision's <see cref="ScaleDecision.State"/>; <see cref="KpaState.Initial"/> or <see cref="KpaState.ForStart"/> the first time.</summary>
    public required KpaState State { get; init; }

    /// <summary>
    /// The activator confirms nothing is queued or in flight (<c>IFunctionActivity.ActiveRequests(key) == 0</c>). When
    /// false the count never goes below 1, whatever the windows say: they lag by up to a second.
    /// </summary>
    public required bool CanScaleToZero { get; init; }

    /// <summary>
    /// Knative's <c>Reachable</c>: whether any traffic can reach the function. False for a revision no route sends
    /// to: it drops to what its load needs with no scale-down rate limit and no scale-down delay, and to zero at once
    /// without waiting out the grace period. Default true.
    /// </summary>
    public bool Reachable { get; init; } = true;

    /// <summary>
    /// Requests in flight plus queued at the activators at their latest report (at most one report interval old):
    /// what the activator knows the moment requests queue, before any window average moves. Read for the
    /// concurrency metric only; see <see cref="KpaScaler.BurstExceeded"/>. Default 0.
    /// </summary>
    public double InstantLoad { get; init; }
}
