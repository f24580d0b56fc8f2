using Microsoft.Extensions.Configuration;
using Serverless.Core.Configuration;

namespace Serverless.Eventing.Configuration;

/// <summary>Turns a configuration section into <see cref="BrokerOptions"/> by its kebab-case key names.</summary>
internal static class BrokerOptionsReader
{
    public static BrokerOptions Read(IConfiguration section, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(section);
        var values = new ConfigurationValues(section);
        var options = new BrokerOptions();
        values.Bytes(BrokerOptions.MaxEventSizeKey, v => options.MaxEventSize = v);
        values.Integer(BrokerOptions.RetryKey, v => options.Delivery = options.Delivery with { Retry = v });
        values.Text(BrokerOptions.BackoffPolicyKey, v => options.Delivery = options.Delivery with { BackoffPolicy = v });
        values.Duration(BrokerOptions.BackoffDelayKey, v => options.Delivery = options.Delivery with { BackoffDelay = v });
        values.Duration(BrokerOptions.TimeoutKey, v => options.Delivery = options.Delivery with { Timeout = v });
        values.Integer(BrokerOptions.TriggerConcurrencyKey, v => options.TriggerConcurrency = v);
        values.Integer(BrokerOptions.MaxInFlightKey, v => options.MaxInFlight = v);
        values.Duration(BrokerOptions.RetryAfterMaxKey, v => options.RetryAfterMax = v);
        values.Duration(BrokerOptions.PollIntervalKey, v => options.PollInterval = v);
        values.Text(BrokerOptions.DefaultClassKey, v => options.DefaultClass = v);
        values.Text(BrokerOptions.RabbitMqUrlKey, v => options.RabbitMqUrl = Uri.TryCreate(v, UriKind.Absolute, out var url) ? url : new Uri("invalid:", UriKind.Absolute));
        errors = values.Problems;
        return options;
    }
}
