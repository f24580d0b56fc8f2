using Microsoft.AspNetCore.Http;
using Serverless.Core.Naming;
using Serverless.Eventing.Binding;
using Serverless.Eventing.Events;

namespace Serverless.Eventing.Ingress;

/// <summary>
/// The broker ingress's reading of the CloudEvents HTTP binding: every mode, batches included, into
/// <see cref="BrokerEvent"/>s that keep attributes and data as they came (<see cref="BrokerEventReader"/>), and 400
/// details in the broker's words.
/// </summary>
internal static class CloudEventHttpReader
{
    public static ParsedEvents Parse(IHeaderDictionary headers, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var mode = HttpBindingReader.Detect(headers, acceptBatch: true);
        if (mode == CloudEventMode.None)
        {
            return ParsedEvents.Invalid(
                $"not a CloudEvent: expected ce-* headers (binary mode) or Content-Type {BindingMediaTypes.Structured} or {BindingMediaTypes.Batch}");
        }

        var (events, error) = BrokerEventReader.Read(mode, headers, body);
        return error is not null ? ParsedEvents.Invalid(Describe(error)) : ParsedEvents.Valid(events);
    }

    /// <summary>What is wrong, in the broker's words: the 400 detail at ingress, and the reason a malformed reply fails its delivery.</summary>
    public static string Describe(BindingError error)
    {
        var prefix = error.Index is { } index ? $"event [{index}]: " : "";
        return prefix + error.Kind switch
        {
            BindingErrorKind.MissingAttribute => $"the CloudEvent is missing the required attribute \"{error.Attribute}\"",
            BindingErrorKind.NotAString => $"the CloudEvent attribute \"{error.Attribute}\" must be a string",
            BindingErrorKind.InvalidData => $"the CloudEvent's \"{error.Attribute}\" is {error.Detail}",
            BindingErrorKind.UnsupportedSpecVersion => $"the CloudEvent attribute \"specversion\" is \"{Names.Printable(error.Detail ?? "")}\"; supported: \"1.0\" and \"0.3\"",
            BindingErrorKind.NotJson => "the CloudEvent is not valid JSON: " + error.Detail,
            BindingErrorKind.NotAnObject => "a structured CloudEvent must be a JSON object",
            BindingErrorKind.NotAnArray => "a CloudEvents batch must be a JSON array of events",
            BindingErrorKind.EmptyBatch => "a CloudEvents batch must hold at least one event",
            BindingErrorKind.InvalidAttribute or BindingErrorKind.Invalid => "invalid CloudEvent: " + error.Detail,
            _ => throw new ArgumentOutOfRangeException(nameof(error), error.Kind, null),
        };
    }
}
