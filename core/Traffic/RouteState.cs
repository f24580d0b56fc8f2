namespace Serverless.Core.Traffic;

/// <summary>The <c>RouteReady</c> condition a resolution leads to: status, reason and message, as Knative's route marks them.</summary>
public sealed record RouteState(string Status, string Reason, string Message)
{
    public const string RevisionMissing = "RevisionMissing";

    public static RouteState Ready { get; } = new(Api.ConditionStatus.True, "TrafficAssigned", "");
}
