namespace Serverless.Eventing.Delivery;

/// <summary>
/// Knative's data-plane response classification (specs/eventing/data-plane.md): 2xx accepted; 404 (the subscriber
/// may not be there yet), 408, 409, 429 and 5xx retried; 400, 401, 403 and the other 4xx not retried. No status at all
/// (timeout, refused connection) is retried. 1xx and 3xx are not a valid answer to an event POST: not retried.
/// </summary>
internal static class ResponseClassifier
{
    public static AttemptOutcome Classify(int? statusCode) => statusCode switch
    {
        null => AttemptOutcome.Retryable,
        >= 200 and < 300 => AttemptOutcome.Accepted,
        404 or 408 or 409 or 429 => AttemptOutcome.Retryable,
        >= 500 and < 600 => AttemptOutcome.Retryable,
        _ => AttemptOutcome.Rejected,
    };
}
