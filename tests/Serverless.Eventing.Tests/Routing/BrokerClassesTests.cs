using Serverless.Eventing.Routing;

namespace Serverless.Eventing.Tests.Routing;

public sealed class BrokerClassesTests
{
    public static TheoryData<string?, string?, string, string> Annotated => new()
    {
        // serverless.dev/broker.class, eventing.knative.dev/broker.class, platform default, expected
        { null, null, "sqlite", "sqlite" },
        { null, null, "rabbitmq", "rabbitmq" },
        { null, "rabbitmq", "sqlite", "rabbitmq" },
        { "rabbitmq", null, "sqlite", "rabbitmq" },
        { "sqlite", "rabbitmq", "rabbitmq", "sqlite" },
        { "", "rabbitmq", "sqlite", "rabbitmq" },
        { null, "MTChannelBasedBroker", "sqlite", "MTChannelBasedBroker" },
    };

    [Theory]
    [MemberData(nameof(Annotated))]
    public void Of_OursThenKnativesThenDefault(string? ours, string? knative, string platformDefault, string expected)
    {
        var annotations = new Dictionary<string, string>();
        if (ours is not null)
        {
            annotations[BrokerClasses.Annotation] = ours;
        }

        if (knative is not null)
        {
            annotations[BrokerClasses.KnativeAnnotation] = knative;
        }

        Assert.Equal(expected, BrokerClasses.Of(annotations, platformDefault));
    }

    [Theory]
    [InlineData("sqlite", false, null)]
    [InlineData("rabbitmq", true, null)]
    [InlineData("rabbitmq", false, "broker.rabbitmq-url")]
    [InlineData("kafka", true, "unknown broker class \"kafka\"")]
    public void Problem_NamesWhatIsMissing(string brokerClass, bool rabbitMqConfigured, string? expected)
    {
        var problem = BrokerClasses.Problem(brokerClass, rabbitMqConfigured);

        if (expected is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains(expected, problem, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("local, sqlite", false, false, "sqlite", null)]
    [InlineData("local, rabbitmq without a URL", false, false, "rabbitmq", "needs broker.rabbitmq-url")]
    [InlineData("local, rabbitmq with a URL", false, true, "rabbitmq", null)]
    [InlineData("cluster, rabbitmq with its Secret", true, true, "rabbitmq", null)]
    [InlineData("cluster, rabbitmq without its Secret", true, false, "rabbitmq", "the Secret serverless-broker-rabbitmq")]
    [InlineData("cluster, sqlite: never in a pod", true, true, "sqlite", "local mode only; here Brokers are of class rabbitmq")]
    [InlineData("cluster, unknown", true, true, "kafka", "unknown broker class \"kafka\"")]
    public void Availability_ByMode_NamesWhatToConfigure(string label, bool cluster, bool rabbitMqConfigured, string brokerClass, string? expected)
    {
        var availability = cluster ? BrokerClassAvailability.Cluster(rabbitMqConfigured) : BrokerClassAvailability.Local(rabbitMqConfigured);

        var problem = availability.Problem(brokerClass);

        Assert.True(expected is null ? problem is null : problem?.Contains(expected, StringComparison.Ordinal) == true, $"{label}: {problem}");
    }
}
