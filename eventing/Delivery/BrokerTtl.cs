using System.Globalization;
using Serverless.Eventing.Events;

namespace Serverless.Eventing.Delivery;

/// <summary>
/// Knative's reply hop limit, the <c>knativebrokerttl</c> extension: an event from outside starts at
/// <see cref="Initial"/>; each reply a subscriber returns is stored with one less than the event it answered;
/// a reply that would reach 0 is not stored. Without it, a function that replies to the events it is
/// subscribed to would loop forever. It is the broker's own bookkeeping: stripped before delivery, as Knative does,
/// and set again on the reply from the stored event.
/// </summary>
internal static class BrokerTtl
{
    public const string Name = "knativebrokerttl";

    /// <summary>Knative's default.</summary>
    public const int Initial = 255;

    /// <summary>The event's TTL; <see cref="Initial"/> when it has none or an unreadable one.</summary>
    public static int Of(BrokerEvent brokerEvent) =>
        brokerEvent[Name] is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : Initial;

    /// <summary>The TTL of a reply to <paramref name="answered"/>: 0 or less means it must not be stored.</summary>
    public static int ForReplyTo(BrokerEvent answered) => Math.Min(Of(answered), Initial) - 1;

    /// <summary>The event with its TTL set, whatever the reply carried.</summary>
    public static BrokerEvent With(BrokerEvent brokerEvent, int ttl) => brokerEvent.With(Name, ttl.ToString(CultureInfo.InvariantCulture));

    /// <summary>The event as a subscriber receives it: without the broker's TTL.</summary>
    public static BrokerEvent Stripped(BrokerEvent brokerEvent) => brokerEvent[Name] is null ? brokerEvent : brokerEvent.With(Name, null);
}
