using System.Buffers;
using System.Text.Json;
using CloudNative.CloudEvents;
using Serverless.Eventing.Binding;

namespace Serverless.Eventing.Events;

/// <summary>
/// How a <see cref="BrokerEvent"/> is kept in the event store: <c>{"attributes":{…},"data_base64":"…"}</c>, the
/// attribute strings and the data bytes exactly, so what was accepted is what is delivered, across restarts too.
/// </summary>
/// <remarks>
/// Events stored before this format are structured-mode CloudEvents (the SDK's encoding); <see cref="Decode"/> still
/// reads them, through the SDK as they were written, so an upgrade delivers what it had accepted.
/// </remarks>
internal static class BrokerEventCodec
{
    private const string AttributesMember = "attributes";
    private const string DataMember = "data_base64";

    /// <summary>Largest buffer a thread keeps between encodes; a bigger event's buffer is let go after it.</summary>
    private const int KeptBufferBytes = 64 * 1024;

    // Encode runs once per accepted event on the ingress's hot path and never awaits, so each thread reuses one buffer
    // and one writer: only the returned array is allocated.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _threadBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _threadWriter;

    public static byte[] Encode(BrokerEvent brokerEvent)
    {
        ArgumentNullException.ThrowIfNull(brokerEvent);
        var buffer = _threadBuffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = _threadWriter ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        try
        {
            writer.WriteStartObject();
            writer.WriteStartObject(AttributesMember);
            foreach (var (name, value) in brokerEvent.Attributes)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
            if (brokerEvent.Data is { } data)
            {
                writer.WriteBase64String(DataMember, data.Span);
            }

            writer.WriteEndObject();
            writer.Flush();
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            writer.Reset();
            if (buffer.Capacity > KeptBufferBytes)
            {
                // The writer refers to its last output too: both go, or the big buffer stays reachable.
                _threadBuffer = null;
                _threadWriter = null;
            }
        }
    }

    public static BrokerEvent Decode(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        if (!root.TryGetProperty(AttributesMember, out var attributes))
        {
            return FromLegacy(payload);
        }

        var values = attributes.EnumerateObject().Select(a => KeyValuePair.Create(a.Name, a.Value.GetString()!));
        ReadOnlyMemory<byte>? data = root.TryGetProperty(DataMember, out var encoded) ? encoded.GetBytesFromBase64() : null;
        return new BrokerEvent(values, data);
    }

    /// <summary>An event stored by an earlier version: a structured CloudEvent written by the SDK.</summary>
    private static BrokerEvent FromLegacy(ReadOnlyMemory<byte> payload)
    {
        var cloudEvent = SharedFormatter.Json.DecodeStructuredModeMessage(payload, new System.Net.Mime.ContentType(BindingMediaTypes.Structured), extensionAttributes: null);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [BrokerEvent.SpecVersionAttribute] = cloudEvent.SpecVersion.VersionId,
        };
        foreach (var (attribute, value) in cloudEvent.GetPopulatedAttributes())
        {
            attributes[attribute.Name] = attribute.Format(value);
        }

        ReadOnlyMemory<byte>? data = cloudEvent.Data is null ? null : SharedFormatter.Json.EncodeBinaryModeEventData(cloudEvent);
        return new BrokerEvent(attributes, data);
    }
}
