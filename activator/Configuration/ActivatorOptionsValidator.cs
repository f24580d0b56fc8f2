using Serverless.Core.Configuration;
using Serverless.Core.Naming;

namespace Serverless.Activator.Configuration;

/// <summary>The allowed ranges of <see cref="ActivatorOptions"/>; messages name the configuration key, the value and the range.</summary>
internal static class ActivatorOptionsValidator
{
    public static IReadOnlyList<string> Check(ActivatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // The domain ends every function host name, {function}.{namespace}.{domain}: DNS labels only.
        return new OptionChecks()
            .Require(
                !string.IsNullOrEmpty(options.Domain) && options.Domain.Split('.').All(Names.IsDns1123Label),
                ActivatorOptions.DomainKey,
                options.Domain,
                "must be a DNS name of lower-case labels such as example.com")
            .Require(options.MaxQueuedRequestsPerFunction >= 0, ActivatorOptions.QueueDepthKey, options.MaxQueuedRequestsPerFunction, "must be 0 or more")
            .Require(options.MaxQueuedBytesPerFunction >= 0, ActivatorOptions.QueueMaxBytesKey, options.MaxQueuedBytesPerFunction, "must be 0 or more")
            .Positive(ActivatorOptions.ActivationTimeoutKey, options.ActivationDeadline)
            .Positive(ActivatorOptions.RetryAfterKey, options.RetryAfter)
            .Positive(ActivatorOptions.ConnectTimeoutKey, options.ConnectTimeout)
            .Require(options.MaxForwardAttempts >= 1, ActivatorOptions.MaxRetriesKey, options.MaxForwardAttempts - 1L, "must be 0 or more")
            .Require(options.OutlierConsecutiveFailures >= 1, ActivatorOptions.ConsecutiveFailuresKey, options.OutlierConsecutiveFailures, "must be 1 or more")
            .Positive(ActivatorOptions.BaseEjectionTimeKey, options.OutlierBaseEjectionTime)
            .Require(
                options.OutlierMaxEjectionTime >= options.OutlierBaseEjectionTime,
                ActivatorOptions.MaxEjectionTimeKey,
                options.OutlierMaxEjectionTime,
                $"must be at least {ActivatorOptions.BaseEjectionTimeKey} ({DurationText.Format(options.OutlierBaseEjectionTime)})")
            .Positive(ActivatorOptions.ReportIntervalKey, options.ReportInterval)
            .Problems;
    }
}
