using System.Globalization;
using Microsoft.Extensions.Configuration;
using Serverless.Core.Configuration;
using Serverless.Core.Defaulting;
using Serverless.Eventing.Configuration;

namespace Serverless.Eventing;

/// <summary>
/// Settings of the broker (ingress and dispatcher). In configuration they are the <c>"broker"</c> section of
/// <c>{home}/config.json</c> with kebab-case keys (the <c>*Key</c> constants); <c>eventing/Configuration/broker.sample.json</c>
/// lists every key at its default. The <c>delivery-*</c> keys are the defaults of a Trigger whose Trigger and Broker
/// set no <c>delivery</c>, as Knative's <c>config-br-defaults</c>.
/// </summary>
public sealed class BrokerOptions
{
    public const string MaxEventSizeKey = "max-event-size";
    public const string RetryKey = "delivery-retry";
    public const string BackoffPolicyKey = "delivery-backoff-policy";
    public const string BackoffDelayKey = "delivery-backoff-delay";
    public const string TimeoutKey = "delivery-timeout";
    public const string TriggerConcurrencyKey = "trigger-concurrency";
    public const string MaxInFlightKey = "max-in-flight";
    public const string RetryAfterMaxKey = "retry-after-max";
    public const string PollIntervalKey = "poll-interval";
    public const string DefaultClassKey = "default-class";
    public const string SqliteClass = "sqlite";
    public const string RabbitMqClass = "rabbitmq";
    public const string RabbitMqUrlKey = "rabbitmq-url";

    /// <summary>Largest request body the broker ingress accepts (<c>max-event-size</c>); larger is 413. Default 1 MiB.</summary>
    public long MaxEventSize { get; set; } = 1024 * 1024;

    /// <summary>Delivery defaults (<c>delivery-retry</c> 3, <c>delivery-backoff-policy</c> exponential, <c>delivery-backoff-delay</c> 200ms, <c>delivery-timeout</c> 30s).</summary>
    public DeliveryDefaults Delivery { get; set; } = new();

    /// <summary>Deliveries in flight per Trigger (<c>trigger-concurrency</c>). Default 100.</summary>
    public int TriggerConcurrency { get; set; } = 100;

    /// <summary>Deliveries in flight over all Triggers (<c>max-in-flight</c>). Default 1000.</summary>
    public int MaxInFlight { get; set; } = 1000;

    /// <summary>Longest <c>Retry-After</c> of a subscriber that is honoured (<c>retry-after-max</c>). Default 5 min.</summary>
    public TimeSpan RetryAfterMax { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Longest the dispatcher sleeps without a wake-up (<c>poll-interval</c>). Default 1 s. New events and freed slots wake it
    /// at once; this bounds the wait when another process wrote the store.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The class of a Broker with no <c>broker.class</c> annotation, and of each namespace's implicit <c>default</c>
    /// broker (<c>default-class</c>): <c>sqlite</c> (the default) or <c>rabbitmq</c>.
    /// </summary>
    public string DefaultClass { get; set; } = Routing.BrokerClasses.Sqlite;

    /// <summary>
    /// The RabbitMQ server of <c>rabbitmq</c>-class Brokers (<c>rabbitmq-url</c>, <c>amqp://user:password@host:5672/vhost</c>
    /// or <c>amqps://…</c>). Unset: no RabbitMQ, and such Brokers are not Ready. A secret: never logged or shown.
    /// </summary>
    public Uri? RabbitMqUrl { get; set; }

    /// <summary>Reads the keys present over the defaults; throws <see cref="InvalidOperationException"/> listing every bad value.</summary>
    public static BrokerOptions Bind(IConfiguration section)
    {
        var options = BrokerOptionsReader.Read(section, out var errors);
        if (errors.Count == 0)
        {
            errors = options.Check();
        }

        return errors.Count == 0
            ? options
            : throw new InvalidOperationException("invalid broker configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
    }

    /// <summary>Every out-of-range value as <c>trigger-concurrency = 0, must be between 1 and 10000</c>.</summary>
    public IReadOnlyList<string> Check()
    {
        var checks = new OptionChecks()
            .Between(MaxEventSizeKey, MaxEventSize, 1, 64L * 1024 * 1024)
            .Between(RetryKey, Delivery.Retry, 0, 100)
            .Require(
                BackoffPolicyNames.All.Contains(Delivery.BackoffPolicy, StringComparer.Ordinal),
                BackoffPolicyKey,
                Delivery.BackoffPolicy,
                $"must be one of {string.Join(", ", BackoffPolicyNames.All)}");
        Positive(checks, BackoffDelayKey, Delivery.BackoffDelay, TimeSpan.FromHours(1));
        Positive(checks, TimeoutKey, Delivery.Timeout, TimeSpan.FromHours(1));
        checks
            .Between(TriggerConcurrencyKey, TriggerConcurrency, 1, 10_000)
            .Between(MaxInFlightKey, MaxInFlight, 1, 100_000);
        Positive(checks, RetryAfterMaxKey, RetryAfterMax, TimeSpan.FromHours(1));
        Positive(checks, PollIntervalKey, PollInterval, TimeSpan.FromMinutes(1));
        checks
            .Require(Routing.BrokerClasses.IsKnown(DefaultClass), DefaultClassKey, DefaultClass, $"must be one of {string.Join(", ", Routing.BrokerClasses.All)}")
            .Require(
                RabbitMqUrl is null || (RabbitMqUrl.IsAbsoluteUri && RabbitMqUrl.Scheme is "amqp" or "amqps"),
                RabbitMqUrlKey,
                RabbitMqUrl is null ? "" : RabbitMqUrl.Scheme + "://…",
                "must be an amqp:// or amqps:// URL")
            .Require(
                DefaultClass != Routing.BrokerClasses.RabbitMq || RabbitMqUrl is not null,
                DefaultClassKey,
                DefaultClass,
                $"needs {RabbitMqUrlKey}");
        return checks.Problems;
    }

    private static void Positive(OptionChecks checks, string key, TimeSpan value, TimeSpan max) =>
        checks.Require(
            value > TimeSpan.Zero && value <= max,
            key,
            value.ToString("c", CultureInfo.InvariantCulture),
            $"must be greater than 0 and at most {max.ToString("c", CultureInfo.InvariantCulture)}");
}
