namespace Serverless.Core.Defaulting;

/// <summary>The delivery policy used when neither the Trigger nor its Broker sets a field.</summary>
public sealed record DeliveryDefaults
{
    /// <summary>Retries after the first attempt. Default 3.</summary>
    public int Retry { get; init; } = 3;

    /// <summary>Default <see cref="BackoffPolicyNames.Exponential"/>.</summary>
    public string BackoffPolicy { get; init; } = BackoffPolicyNames.Exponential;

    /// <summary>Base delay between attempts. Default 0.2 s (<c>PT0.2S</c>).</summary>
    public TimeSpan BackoffDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Per-attempt timeout. Default 30 s (<c>PT30S</c>).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}
