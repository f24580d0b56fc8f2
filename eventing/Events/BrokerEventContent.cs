using Serverless.Eventing.Binding;

namespace Serverless.Eventing.Events;

/// <summary>
/// A <see cref="BrokerEvent"/> as an HTTP request in binary mode: each attribute a <c>ce-</c> header (percent-encoded
/// as the binding says), the <c>datacontenttype</c> as the Content-Type when the event has one (none otherwise), and
/// the data bytes as the body.
/// </summary>
internal static class BrokerEventContent
{
    public static void WriteBinary(HttpRequestMessage request, BrokerEvent brokerEvent)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(brokerEvent);

        // The stored bytes as they are: no copy on the delivery path.
        var content = new ReadOnlyMemoryContent(brokerEvent.Data ?? ReadOnlyMemory<byte>.Empty);
        if (brokerEvent.DataContentType is { } type)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", type);
        }

        foreach (var (name, value) in brokerEvent.Attributes)
        {
            if (name != BrokerEvent.DataContentTypeAttribute)
            {
                request.Headers.TryAddWithoutValidation("ce-" + name, HeaderPercentEncoding.Encode(value));
            }
        }

        request.Content = content;
    }
}
