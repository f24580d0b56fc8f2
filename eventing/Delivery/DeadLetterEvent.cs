using System.Globalization;
using System.Text;
using Serverless.Eventing.Events;

namespace Serverless.Eventing.Delivery;

/// <summary>
/// The event as a dead-letter sink receives it: unchanged, plus Knative's extension attributes saying why —
/// <c>knativeerrordest</c> (the subscriber URL), <c>knativeerrorcode</c> (its last HTTP status, when it answered)
/// and <c>knativeerrordata</c> (the response body or the failure, base64, at most 1 KiB).
/// </summary>
internal static class DeadLetterEvent
{
    public const string DestinationAttribute = "knativeerrordest";
    public const string CodeAttribute = "knativeerrorcode";
    public const string DataAttribute = "knativeerrordata";

    public static BrokerEvent Annotate(BrokerEvent brokerEvent, Uri subscriber, int? code, string? error)
    {
        ArgumentNullException.ThrowIfNull(brokerEvent);
        var annotated = brokerEvent.With(DestinationAttribute, subscriber.ToString());
        if (code is { } status)
        {
            annotated = annotated.With(CodeAttribute, status.ToString(CultureInfo.InvariantCulture));
        }

        if (!string.IsNullOrEmpty(error))
        {
            var bytes = Encoding.UTF8.GetBytes(error);
            annotated = annotated.With(DataAttribute, Convert.ToBase64String(bytes, 0, Math.Min(bytes.Length, HttpEventSender.MaxErrorBytes)));
        }

        return annotated;
    }
}
