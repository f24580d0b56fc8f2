namespace Serverless.Eventing.Routing;

/// <summary>
/// Which broker classes have a backend in this process, and what to set to get RabbitMQ, so that a Broker whose class
/// has none says why (its Ready condition, the ingress's 503) in the words of the mode it runs in.
/// </summary>
/// <param name="Available">The classes with a backend here.</param>
/// <param name="RabbitMqSetting">Where the RabbitMQ URL is configured in this mode.</param>
internal sealed record BrokerClassAvailability(IReadOnlyCollection<string> Available, string RabbitMqSetting)
{
    /// <summary>The local platform: SQLite always, RabbitMQ when its URL is configured.</summary>
    public static BrokerClassAvailability Local(bool rabbitMqConfigured) => new(
        rabbitMqConfigured ? [BrokerClasses.Sqlite, BrokerClasses.RabbitMq] : [BrokerClasses.Sqlite],
        "broker.rabbitmq-url in the platform's configuration (or func up --broker-url)");

    /// <summary>Kubernetes' broker role: RabbitMQ only (events never live in a pod), when its Secret is there.</summary>
    public static BrokerClassAvailability Cluster(bool rabbitMqConfigured) => new(
        rabbitMqConfigured ? [BrokerClasses.RabbitMq] : [],
        "the Secret serverless-broker-rabbitmq (key url, amqp://user:password@host:5672/vhost) in namespace serverless-system; see the README's Events section");

    /// <summary>Why a Broker of <paramref name="brokerClass"/> cannot work here, or null when it can.</summary>
    public string? Problem(string brokerClass)
    {
        if (Available.Contains(brokerClass))
        {
            return null;
        }

        return brokerClass switch
        {
            BrokerClasses.RabbitMq => $"broker class \"rabbitmq\" needs {RabbitMqSetting}",
            BrokerClasses.Sqlite => $"broker class \"sqlite\" keeps events on one machine and exists in local mode only; here Brokers are of class {string.Join(" or ", Available.DefaultIfEmpty(BrokerClasses.RabbitMq))}",
            _ => $"unknown broker class \"{brokerClass}\" (annotation {BrokerClasses.Annotation} or {BrokerClasses.KnativeAnnotation}); known: {string.Join(", ", BrokerClasses.All)}",
        };
    }
}
