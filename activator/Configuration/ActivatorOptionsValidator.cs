using System.Globalization;
using Serverless.Core.Configuration;
using Serverless.Core.Naming;

namespace Serverless.Activator.Configuration;

/// <summary>The allowed ranges of <see cref="ActivatorOptions"/>; messages name the configuration key, the value and the range.</summary>
internal static class ActivatorOptionsValidator
{
    public static IReadOnlyList<string> Check(ActivatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        // The domain ends every function host name, {function}.{namespace}.{domain}: DNS labels only.
        if (string.IsNullOrEmpty(options.Domain) || !options.Domain.Split('.').All(Names.IsDns1123Label))
        {
            errors.Add($"{ActivatorOptions.DomainKey} = {options.Domain}, must be a DNS name of lower-case labels such as example.com");
        }

        Require(errors, options.MaxQueuedRequestsPerFunction >= 0, ActivatorOptions.QueueDepthKey, N(options.MaxQueuedRequestsPerFunction), "must be 0 or more");
        Require(errors, options.MaxQueuedBytesPerFunction >= 0, ActivatorOptions.QueueMaxBytesKey, N(options.MaxQueuedBytesPerFunction), "must be 0 or more");
        Positive(errors, options.ActivationDeadline, ActivatorOptions.ActivationTimeoutKey);
        Positive(errors, options.RetryAfter, ActivatorOptions.RetryAfterKey);
        Positive(errors, options.ConnectTimeout, ActivatorOptions.ConnectTimeoutKey);
        Require(errors, options.MaxForwardAttempts >= 1, ActivatorOptions.MaxRetriesKey, N(options.MaxForwardAttempts - 1L), "must be 0 or more");
        Require(errors, options.OutlierConsecutiveFailures >= 1, ActivatorOptions.ConsecutiveFailuresKey, N(options.OutlierConsecutiveFailures), "must be 1 or more");
        Positive(errors, options.OutlierBaseEjectionTime, ActivatorOptions.BaseEjectionTimeKey);
        Require(
            errors,
            options.OutlierMaxEjectionTime >= options.OutlierBaseEjectionTime,
            ActivatorOptions.MaxEjectionTimeKey,
            DurationText.Format(options.OutlierMaxEjectionTime),
            $"must be at least {ActivatorOptions.BaseEjectionTimeKey} ({DurationText.Format(options.OutlierBaseEjectionTime)})");
        Positive(errors, options.ReportInterval, ActivatorOptions.ReportIntervalKey);
        return errors;
    }

    private static void Positive(List<string> errors, TimeSpan value, string key) =>
        Require(errors, value > TimeSpan.Zero, key, DurationText.Format(value), "must be greater than 0s");

    private static void Require(List<string> errors, bool valid, string key, string value, string rule)
    {
        if (!valid)
        {
            errors.Add($"{key} = {value}, {rule}");
        }
    }

    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);
}
