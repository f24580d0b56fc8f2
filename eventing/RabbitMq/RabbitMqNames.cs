using System.Globalization;

namespace Serverless.Eventing.RabbitMq;

/// <summary>
/// The RabbitMQ topology, in the spirit of Knative's RabbitMQ broker: a durable exchange per Broker, a durable quorum
/// queue per Trigger bound to it, and per Trigger a queue of events that failed for good.
/// </summary>
/// <remarks>
/// The Broker's exchange is a headers exchange and each Trigger queue's binding matches the header that names its
/// Trigger. Filters are applied once, in the ingress, which already evaluates every Knative filter (exact, prefix,
/// suffix, all/any/not, CESQL) on the parsed event; the publish then carries one header per matching Trigger, so one
/// confirmed publish reaches every matching queue. Exact-match bindings on CloudEvents attributes would only cover
/// <c>filter.attributes</c> and would still need the dispatcher to filter the rest, and a per-Trigger publish would
/// multiply the confirms. Retries wait in delay queues shared by all Triggers, one per delay (rounded up to two
/// significant digits so that there are few): the message's TTL expires there and RabbitMQ dead-letters it, through
/// the default exchange and its unchanged routing key, back to its Trigger's queue. No timer, no polling.
/// </remarks>
internal static class RabbitMqNames
{
    private const string Prefix = "serverless.";

    /// <summary>The exchange retries are published to; its routing key is the Trigger's queue.</summary>
    public const string DelayExchange = Prefix + "delay";

    /// <summary>The header a delay queue's binding on <see cref="DelayExchange"/> matches.</summary>
    public const string DelayHeader = "serverless-delay-ms";

    public static string Exchange(string @namespace, string broker) => $"{Prefix}broker.{@namespace}.{broker}";

    /// <summary>The queue of a Trigger (<c>{namespace}/{name}</c>); names are DNS labels, so <c>.</c> is unambiguous.</summary>
    public static string TriggerQueue(string triggerKey) => Prefix + "trigger." + triggerKey.Replace('/', '.');

    /// <summary>Events of a Trigger that neither the subscriber nor a dead-letter sink took, kept for an operator.</summary>
    public static string FailedQueue(string triggerKey) => Prefix + "failed." + triggerKey.Replace('/', '.');

    public static string DelayQueue(long milliseconds) => Prefix + "delay." + milliseconds.ToString(CultureInfo.InvariantCulture);

    /// <summary>The header on an event that routes it to a Trigger's queue.</summary>
    public static string TriggerHeader(string triggerKey) => "trigger:" + triggerKey;

    /// <summary>A wait rounded up to two significant digits of milliseconds (at least 1): at most 10 % longer, and few queues.</summary>
    public static long Bucket(TimeSpan wait)
    {
        var ms = Math.Max(1L, (long)Math.Ceiling(wait.TotalMilliseconds));
        long scale = 1;
        while (ms / scale >= 100)
        {
            scale *= 10;
        }

        return (ms + scale - 1) / scale * scale;
    }
}
