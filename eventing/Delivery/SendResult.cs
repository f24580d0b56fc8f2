using Serverless.Eventing.Events;

namespace Serverless.Eventing.Delivery;

/// <summary>
/// What one HTTP attempt produced: the status (null when there was no response: timeout, refused connection), the
/// subscriber's Retry-After, a reply event, and for a failure its reason (the response body, or what went wrong).
/// </summary>
internal sealed record SendResult(int? StatusCode, TimeSpan? RetryAfter, BrokerEvent? Reply, string? Error);
