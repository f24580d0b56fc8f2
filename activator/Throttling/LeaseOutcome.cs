namespace Serverless.Activator.Throttling;

/// <summary>What a forward told about the instance, for outlier detection.</summary>
internal enum LeaseOutcome
{
    /// <summary>The instance answered below 500: ends a failure streak.</summary>
    Success,

    /// <summary>Connect error, timeout or 5xx: counts towards ejection.</summary>
    Failure,

    /// <summary>The connection was refused: nothing listens on the instance's port, so it is ejected at once.</summary>
    Refused,

    /// <summary>Says nothing about the instance: the client went away, or the instance refused with 429 (at its limit, healthy).</summary>
    Neutral,
}
