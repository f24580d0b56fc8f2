using Microsoft.Extensions.Configuration;
using Serverless.Core.Configuration;

namespace Serverless.Activator.Configuration;

/// <summary>Turns a configuration section into <see cref="ActivatorOptions"/> by its kebab-case key names.</summary>
internal static class ActivatorOptionsReader
{
    public static ActivatorOptions Read(IConfiguration section, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(section);
        var values = new ConfigurationValues(section);
        var options = new ActivatorOptions();

        values.Text(ActivatorOptions.DomainKey, v => options.Domain = v);
        values.Integer(ActivatorOptions.QueueDepthKey, v => options.MaxQueuedRequestsPerFunction = v);
        values.Bytes(ActivatorOptions.QueueMaxBytesKey, v => options.MaxQueuedBytesPerFunction = v);
        values.Duration(ActivatorOptions.ActivationTimeoutKey, v => options.ActivationDeadline = v);
        values.Duration(ActivatorOptions.RetryAfterKey, v => options.RetryAfter = v);
        values.Duration(ActivatorOptions.ConnectTimeoutKey, v => options.ConnectTimeout = v);

        // max-retries counts the attempts after the first; int.MaxValue would overflow the attempt count.
        values.Integer(ActivatorOptions.MaxRetriesKey, v => options.MaxForwardAttempts = v == int.MaxValue ? v : v + 1);
        values.Integer(ActivatorOptions.ConsecutiveFailuresKey, v => options.OutlierConsecutiveFailures = v);
        values.Duration(ActivatorOptions.BaseEjectionTimeKey, v => options.OutlierBaseEjectionTime = v);
        values.Duration(ActivatorOptions.MaxEjectionTimeKey, v => options.OutlierMaxEjectionTime = v);
        values.Duration(ActivatorOptions.ReportIntervalKey, v => options.ReportInterval = v);

        errors = values.Problems;
        return options;
    }
}
