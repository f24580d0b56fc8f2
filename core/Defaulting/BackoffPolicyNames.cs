namespace Serverless.Core.Defaulting;

/// <summary>The values of <c>delivery.backoffPolicy</c>, as Knative defines them.</summary>
public static class BackoffPolicyNames
{
    /// <summary>Delay before retry n (from 1) is backoffDelay * 2^n; the default.</summary>
    public const string Exponential = "exponential";

    /// <summary>Delay before retry n (from 1) is backoffDelay * n.</summary>
    public const string Linear = "linear";

    public static readonly IReadOnlyList<string> All = [Exponential, Linear];
}
