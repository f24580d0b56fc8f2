using Microsoft.Extensions.Configuration;
using Serverless.TestSupport;

namespace Serverless.Eventing.Tests;

public sealed class BrokerOptionsTests
{
    [Fact]
    public void Bind_SampleFile_EqualsDefaults()
    {
        var path = Path.Combine(RepoPaths.Root, "eventing", "Configuration", "broker.sample.json");
        var section = new ConfigurationBuilder().AddJsonFile(path).Build().GetSection("broker");

        var options = BrokerOptions.Bind(section);

        var defaults = new BrokerOptions();
        Assert.Equal(defaults.MaxEventSize, options.MaxEventSize);
        Assert.Equal(defaults.Delivery, options.Delivery);
        Assert.Equal(defaults.TriggerConcurrency, options.TriggerConcurrency);
        Assert.Equal(defaults.MaxInFlight, options.MaxInFlight);
        Assert.Equal(defaults.RetryAfterMax, options.RetryAfterMax);
        Assert.Equal(defaults.PollInterval, options.PollInterval);
    }

    public static TheoryData<string, string, string> Bad => new()
    {
        // key, value, expected message part
        { "max-event-size", "lots", "max-event-size = lots, must be a byte count" },
        { "max-event-size", "1Gi", "max-event-size = 1073741824, must be between 1 and 67108864" },
        { "delivery-retry", "-1", "delivery-retry = -1, must be between 0 and 100" },
        { "delivery-backoff-policy", "random", "delivery-backoff-policy = random, must be one of exponential, linear" },
        { "delivery-backoff-delay", "0s", "delivery-backoff-delay = 00:00:00, must be greater than 0" },
        { "delivery-timeout", "soon", "delivery-timeout = soon, must be a duration" },
        { "trigger-concurrency", "0", "trigger-concurrency = 0, must be between 1 and 10000" },
        { "max-in-flight", "1000000", "max-in-flight = 1000000, must be between 1 and 100000" },
        { "default-class", "kafka", "default-class = kafka, must be one of sqlite, rabbitmq" },
        { "default-class", "rabbitmq", "default-class = rabbitmq, needs rabbitmq-url" },
        { "rabbitmq-url", "http://guest:secret@mq:5672/", "rabbitmq-url = http://…, must be an amqp:// or amqps:// URL" },
    };

    [Fact]
    public void Bind_BadRabbitMqUrl_NeverShowsItsCredentials()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["broker:rabbitmq-url"] = "http://guest:s3cret@mq:5672/" }).Build().GetSection("broker");

        var error = Assert.Throws<InvalidOperationException>(() => BrokerOptions.Bind(section));

        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_RabbitMqClass_SelectsUrlAndDefault()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["broker:default-class"] = "rabbitmq",
            ["broker:rabbitmq-url"] = "amqp://guest:guest@127.0.0.1:5672/",
        }).Build().GetSection("broker");

        var options = BrokerOptions.Bind(section);

        Assert.Equal("rabbitmq", options.DefaultClass);
        Assert.Equal(new Uri("amqp://guest:guest@127.0.0.1:5672/"), options.RabbitMqUrl);
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public void Bind_BadValue_NamesKeyValueAndRange(string key, string value, string expected)
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["broker:" + key] = value }).Build().GetSection("broker");

        var error = Assert.Throws<InvalidOperationException>(() => BrokerOptions.Bind(section));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_Keys_OverrideDefaults()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["broker:max-event-size"] = "64Ki",
            ["broker:delivery-retry"] = "5",
            ["broker:delivery-backoff-policy"] = "linear",
            ["broker:delivery-backoff-delay"] = "500ms",
            ["broker:trigger-concurrency"] = "7",
        }).Build().GetSection("broker");

        var options = BrokerOptions.Bind(section);

        Assert.Equal(65536, options.MaxEventSize);
        Assert.Equal((5, "linear", TimeSpan.FromMilliseconds(500)), (options.Delivery.Retry, options.Delivery.BackoffPolicy, options.Delivery.BackoffDelay));
        Assert.Equal(7, options.TriggerConcurrency);
    }
}
