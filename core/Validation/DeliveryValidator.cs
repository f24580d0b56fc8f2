using Serverless.Core.Api;
using Serverless.Core.Defaulting;

namespace Serverless.Core.Validation;

/// <summary>Knative's delivery spec, shared by Broker (the default) and Trigger.</summary>
internal static class DeliveryValidator
{
    public const int MaxRetry = 100;

    /// <summary>Longest per-attempt timeout, <c>PT1H</c>: a delivery holds a dispatcher slot for that long.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(1);

    public static void Validate(DeliverySpec? delivery, FieldPath path, ErrorList errors)
    {
        if (delivery is null)
        {
            return;
        }

        if (delivery.Retry is { } retry && (retry < 0 || retry > MaxRetry))
        {
            errors.OutOfRange(path.Child("retry"), retry, 0, MaxRetry);
        }

        if (delivery.BackoffPolicy is { } policy && !BackoffPolicyNames.All.Contains(policy, StringComparer.Ordinal))
        {
            errors.Unsupported(path.Child("backoffPolicy"), policy, BackoffPolicyNames.All);
        }

        ValidateDuration(delivery.BackoffDelay, max: null, path.Child("backoffDelay"), errors);
        ValidateDuration(delivery.Timeout, MaxTimeout, path.Child("timeout"), errors);
        DestinationValidator.Validate(delivery.DeadLetterSink, required: false, path.Child("deadLetterSink"), errors);
    }

    private static void ValidateDuration(string? text, TimeSpan? max, FieldPath path, ErrorList errors)
    {
        if (text is null)
        {
            return;
        }

        if (!IsoDuration.TryParse(text, out var duration))
        {
            errors.Add(path, $"must be an ISO-8601 duration such as PT0.2S, PT30S or P1D (got {ErrorList.Quote(text)})");
        }
        else if (duration <= TimeSpan.Zero)
        {
            errors.Add(path, $"must be greater than zero (got {ErrorList.Quote(text)})");
        }
        else if (duration > max)
        {
            errors.Add(path, $"must be at most {max.Value.TotalMinutes} minutes (got {ErrorList.Quote(text)})");
        }
    }
}
