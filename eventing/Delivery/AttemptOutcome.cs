namespace Serverless.Eventing.Delivery;

/// <summary>What one delivery attempt means for the event, by Knative's data-plane contract.</summary>
internal enum AttemptOutcome
{
    /// <summary>2xx: the subscriber took the event.</summary>
    Accepted,

    /// <summary>Worth trying again: 404, 408, 409, 429, 5xx, a timeout or a network error.</summary>
    Retryable,

    /// <summary>The subscriber refused the event itself (400, 401, 403, other 4xx, or an unexpected status): retrying cannot help.</summary>
    Rejected,
}
