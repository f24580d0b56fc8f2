using Serverless.Core.Api;
using Serverless.Core.Validation;

namespace Serverless.Core.Defaulting;

/// <summary>The delivery policy a dispatcher applies to one Trigger, with every default resolved and durations parsed.</summary>
public sealed record EffectiveDelivery
{
    public required int Retry { get; init; }

    /// <summary><see cref="BackoffPolicyNames.Exponential"/> or <see cref="BackoffPolicyNames.Linear"/>.</summary>
    public required string BackoffPolicy { get; init; }

    public required TimeSpan BackoffDelay { get; init; }

    public required TimeSpan Timeout { get; init; }

    /// <summary>Where an event goes after its last failed attempt; null drops it.</summary>
    public Destination? DeadLetterSink { get; init; }

    /// <summary>
    /// As Knative: a Trigger's delivery, when set, replaces its Broker's as a whole (fields it leaves out are not taken
    /// from the Broker); what is still unset comes from <paramref name="defaults"/>. Expects validated specs; a
    /// duration that does not parse falls back to the default rather than failing delivery.
    /// </summary>
    public static EffectiveDelivery Resolve(DeliverySpec? trigger, DeliverySpec? broker, DeliveryDefaults defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        var spec = trigger ?? broker;
        return new EffectiveDelivery
        {
            Retry = spec?.Retry ?? defaults.Retry,
            BackoffPolicy = spec?.BackoffPolicy ?? defaults.BackoffPolicy,
            BackoffDelay = Duration(spec?.BackoffDelay, defaults.BackoffDelay),
            Timeout = Duration(spec?.Timeout, defaults.Timeout),
            DeadLetterSink = spec?.DeadLetterSink,
        };
    }

    private static TimeSpan Duration(string? text, TimeSpan fallback) =>
        IsoDuration.TryParse(text, out var duration) && duration > TimeSpan.Zero ? duration : fallback;
}
