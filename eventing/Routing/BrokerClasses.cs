namespace Serverless.Eventing.Routing;

/// <summary>
/// The backends a Broker can run on, chosen per Broker by annotation as Knative does
/// (<c>eventing.knative.dev/broker.class</c>, or our <c>serverless.dev/broker.class</c>, which wins when both are set),
/// else by the platform's <c>broker.default-class</c>.
/// </summary>
internal static class BrokerClasses
{
    public const string Sqlite = BrokerOptions.SqliteClass;
    public const string RabbitMq = BrokerOptions.RabbitMqClass;
    public const string KnativeAnnotation = "eventing.knative.dev/broker.class";
    public const string Annotation = "serverless.dev/broker.class";

    public static IReadOnlyList<string> All { get; } = [Sqlite, RabbitMq];

    public static bool IsKnown(string? name) => name is Sqlite or RabbitMq;

    /// <summary>The class a Broker asks for (our annotation, Knative's, or <paramref name="platformDefault"/>), unchecked.</summary>
    public static string Of(IDictionary<string, string>? annotations, string platformDefault)
    {
        if (annotations is not null)
        {
            if (annotations.TryGetValue(Annotation, out var ours) && !string.IsNullOrEmpty(ours))
            {
                return ours;
            }

            if (annotations.TryGetValue(KnativeAnnotation, out var knative) && !string.IsNullOrEmpty(knative))
            {
                return knative;
            }
        }

        return platformDefault;
    }

    /// <summary>Why a Broker of <paramref name="brokerClass"/> cannot work on the local platform, or null when it can.</summary>
    public static string? Problem(string brokerClass, bool rabbitMqConfigured) => BrokerClassAvailability.Local(rabbitMqConfigured).Problem(brokerClass);
}
