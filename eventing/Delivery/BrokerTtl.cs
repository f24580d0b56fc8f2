using System.Globalization;
using CloudNative.CloudEvents;

namespace Serverless.Eventing.Delivery;

/// <summary>
/// Knative's reply hop limit, the <c>knativebrokerttl</c> extension: an event from outside starts at
/// <see cref="Initial"/>; each reply a subscriber returns is stored with one less than the event it answered;
/// a reply that would reach 0 is not stored. Without it, a function that replies to the events it is
/// subscribed to would loop forever.
/// </summary>
internal static class BrokerTtl
{
    public const string Name = "knativebrokerttl";

    /// <summary>Knative's default.</summary>
    public const int Initial = 255;

    private static readonly CloudEventAttribute Attribute = CloudEventAttribute.CreateExtension(Name, CloudEventAttributeType.Integer);

    /// <summary>The event's TTL; <see cref="Initial"/> when it has none or an unreadable one.</summary>
    public static int Of(CloudEvent cloudEvent) => cloudEvent[Name] switch
    {
        int value => value,
        string text when int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) => value,
        _ => Initial,
    };

    /// <summary>The TTL of a reply to <paramref name="answered"/>: 0 or less means it must not be stored.</summary>
    public static int ForReplyTo(CloudEvent answered) => Math.Min(Of(answered), Initial) - 1;

    public static void Set(CloudEvent cloudEvent, int ttl)
    {
        // A reply may carry the extension already, possibly typed as a string: replace it whatever its type.
        cloudEvent[Name] = null;
        cloudEvent[Attribute] = ttl;
    }
}
