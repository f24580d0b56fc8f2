using System.Text;
using RabbitMQ.Client;
using Serverless.Eventing.Delivery;
using Serverless.Eventing.Storage;

namespace Serverless.Eventing.RabbitMq;

/// <summary>
/// A delivery's state travels with its message as headers, so RabbitMQ is the only store: the body is the stored
/// <see cref="Events.BrokerEventCodec"/> envelope, byte for byte, and never re-encoded.
/// </summary>
internal static class RabbitMqHeaders
{
    public const string Phase = "serverless-phase";
    public const string Attempts = "serverless-attempts";
    public const string LastCode = "serverless-last-code";
    public const string LastError = "serverless-last-error";
    public const string ReceivedAt = "serverless-received-at";

    /// <summary>Longest last error kept: headers count against the frame size.</summary>
    private const int MaxError = 2048;

    public static BasicProperties Initial(DateTimeOffset receivedAt, IEnumerable<string> triggerKeys)
    {
        var headers = new Dictionary<string, object?> { [ReceivedAt] = receivedAt.ToUnixTimeMilliseconds() };
        foreach (var key in triggerKeys)
        {
            headers[RabbitMqNames.TriggerHeader(key)] = "1";
        }

        return new BasicProperties { Persistent = true, Headers = headers };
    }

    /// <summary>The properties of a delivery sent on (retry, dead letter, failed) with its new state.</summary>
    public static BasicProperties Next(DateTimeOffset receivedAt, DeliveryPhase phase, int attempts, int? code, string error, long? delayMs = null)
    {
        var headers = new Dictionary<string, object?>
        {
            [ReceivedAt] = receivedAt.ToUnixTimeMilliseconds(),
            [Phase] = (int)phase,
            [Attempts] = attempts,
            [LastError] = error.Length > MaxError ? error[..MaxError] : error,
        };
        if (code is { } c)
        {
            headers[LastCode] = c;
        }

        if (delayMs is { } delay)
        {
            headers[RabbitMqNames.DelayHeader] = delay;
        }

        return new BasicProperties { Persistent = true, Headers = headers };
    }

    public static DeliveryState Read(IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body)
    {
        var headers = properties.Headers;
        return new DeliveryState(
            (DeliveryPhase)(Integer(headers, Phase) ?? 0),
            (int)(Integer(headers, Attempts) ?? 0),
            Integer(headers, LastCode) is { } code ? (int)code : null,
            Text(headers, LastError),
            DateTimeOffset.FromUnixTimeMilliseconds(Integer(headers, ReceivedAt) ?? 0),
            body);
    }

    private static long? Integer(IDictionary<string, object?>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var value) ? value switch
        {
            int i => i,
            long l => l,
            short s => s,
            byte b => b,
            sbyte sb => sb,
            uint u => u,
            _ => null,
        } : null;

    private static string? Text(IDictionary<string, object?>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var value) ? value switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            string s => s,
            _ => null,
        } : null;
}
