using Serverless.Core.Api;

namespace Serverless.Cli.Commands;

/// <summary>Decides from a Function's status whether a deploy of <c>generation</c> is done, failed or still going. Pure.</summary>
internal static class FunctionReadiness
{
    /// <summary>
    /// Ready=False reasons that describe a state still converging rather than a failure. The
    /// controller reports these as Unknown today; they are listed so a controller that reports
    /// them as False does not make <c>func deploy</c> give up early.
    /// </summary>
    public static readonly IReadOnlySet<string> TransientReasons = new HashSet<string>(StringComparer.Ordinal)
    {
        "Deploying",
        "RouteNotConfigured",
        "RolloutInProgress",
    };

    public static ReadinessVerdict Evaluate(Function function, long generation)
    {
        var status = function.Status;
        if (status?.ObservedGeneration is not { } observed || observed < generation)
        {
            return new ReadinessVerdict(ReadinessState.Pending, "NotObserved", $"waiting for the controller to observe generation {generation}");
        }

        var ready = status.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
        if (ready is null)
        {
            return new ReadinessVerdict(ReadinessState.Pending, "NoReadyCondition", "waiting for the Ready condition");
        }

        var reason = ready.Reason ?? "";
        var message = ready.Message ?? "";
        return ready.Status switch
        {
            ConditionStatus.True => new ReadinessVerdict(ReadinessState.Ready, reason, message),
            ConditionStatus.False when !TransientReasons.Contains(reason) => new ReadinessVerdict(ReadinessState.Failed, reason, message),
            _ => new ReadinessVerdict(ReadinessState.Pending, reason, message),
        };
    }
}
