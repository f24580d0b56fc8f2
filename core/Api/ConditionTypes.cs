namespace Serverless.Core.Api;

public static class ConditionTypes
{
    public const string Ready = "Ready";
    public const string WorkloadReady = "WorkloadReady";
    public const string RouteReady = "RouteReady";
    public const string SubscriberResolved = "SubscriberResolved";

    /// <summary>
    /// Whether <c>spec.resources.limits</c> are enforced (local mode: through cgroups). Informational: it does not
    /// decide Ready, so a function runs where limits cannot be enforced, and says so.
    /// </summary>
    public const string ResourcesEnforced = "ResourcesEnforced";

    /// <summary>
    /// A gradual rollout (<c>rollout-duration</c>): Unknown <c>RolloutInProgress</c> while the share moves, True
    /// <c>RolloutComplete</c>, False <c>RolloutAborted</c> when the new revision failed readiness and the traffic went
    /// back to the previous one. Informational, outside Ready: the route serves throughout.
    /// </summary>
    public const string Rollout = "Rollout";
}

public static class ConditionStatus
{
    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";
}
