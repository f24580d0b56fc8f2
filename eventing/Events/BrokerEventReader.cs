using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Serverless.Eventing.Binding;

namespace Serverless.Eventing.Events;

/// <summary>
/// The HTTP binding (binary, structured and batch modes) read into <see cref="BrokerEvent"/>s without re-encoding
/// anything: attribute strings as sent (percent-decoded in binary mode, strictly), data as the body's bytes in binary
/// mode and as the <c>data</c> member's own JSON text (or the decoded <c>data_base64</c>) in structured mode.
/// </summary>
internal static class BrokerEventReader
{
    /// <remarks>A binary-mode event keeps <paramref name="body"/> as its data without copying it: callers hand over a buffer they do not reuse.</remarks>
    public static (IReadOnlyList<BrokerEvent> Events, BindingError? Error) Read(CloudEventMode mode, IHeaderDictionary headers, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        try
        {
            return mode switch
            {
                CloudEventMode.Binary => ([ReadBinary(headers, body)], null),
                CloudEventMode.Structured => ([.. ReadJson(body, batch: false)], null),
                CloudEventMode.Batch => ([.. ReadJson(body, batch: true)], null),
                _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "not an event"),
            };
        }
        catch (InvalidEventException e)
        {
            return ([], e.Error);
        }
    }

    /// <summary>A reply in a subscriber's response: binary or structured, by the same rules as the ingress.</summary>
    public static async Task<(BrokerEvent? Event, BindingError? Error)> ReadResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var headers = new HeaderDictionary();
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            headers[name] = new StringValues([.. values]);
        }

        var mode = HttpBindingReader.Detect(headers, acceptBatch: false);
        if (mode == CloudEventMode.None)
        {
            return (null, null);
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var (events, error) = Read(mode, headers, body);
        return (events.FirstOrDefault(), error);
    }

    private static BrokerEvent ReadBinary(IHeaderDictionary headers, ReadOnlyMemory<byte> body)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (attribute, value) in HttpBindingReader.AttributeHeaders(headers))
        {
            attributes[attribute] = HeaderPercentEncoding.DecodeStrict(value)
                ?? throw new InvalidEventException(new BindingError(BindingErrorKind.InvalidAttribute, attribute, $"\"{attribute}\" is not validly percent-encoded (RFC 3986 %XX of UTF-8)"));
        }

        // The Content-Type is the datacontenttype; none means the event has none (and is delivered with none).
        attributes.Remove(BrokerEvent.DataContentTypeAttribute);
        if (!StringValues.IsNullOrEmpty(headers.ContentType))
        {
            attributes[BrokerEvent.DataContentTypeAttribute] = headers.ContentType.ToString();
        }

        Check(attributes, index: null);
        return new BrokerEvent(attributes, body.IsEmpty ? null : body);
    }

    private static IEnumerable<BrokerEvent> ReadJson(ReadOnlyMemory<byte> body, bool batch)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new InvalidEventException(new BindingError(BindingErrorKind.NotJson, Detail: e.Message));
        }

        using (document)
        {
            var root = document.RootElement;
            if (!batch)
            {
                return [ReadObject(root, index: null)];
            }

            if (root.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidEventException(new BindingError(BindingErrorKind.NotAnArray));
            }

            var events = root.EnumerateArray().Select((element, index) => ReadObject(element, index)).ToList();
            return events.Count == 0 ? throw new InvalidEventException(new BindingError(BindingErrorKind.EmptyBatch)) : events;
        }
    }

    private static BrokerEvent ReadObject(JsonElement element, int? index)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidEventException(new BindingError(BindingErrorKind.NotAnObject, Index: index));
        }

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonElement? data = null, base64 = null;
        foreach (var member in element.EnumerateObject())
        {
            switch (member.Name)
            {
                case "data":
                    data = member.Value;
                    continue;
                case "data_base64":
                    base64 = member.Value;
                    continue;
            }

            var text = member.Value.ValueKind switch
            {
                JsonValueKind.String => member.Value.GetString()!,
                JsonValueKind.Null => null, // the spec's "absent"
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Number when !EventAttributeRules.Required.Contains(member.Name) => member.Value.GetRawText(),
                _ => throw new InvalidEventException(new BindingError(BindingErrorKind.NotAString, member.Name, Index: index)),
            };
            if (text is not null)
            {
                attributes[member.Name] = text;
            }
        }

        Check(attributes, index);
        return new BrokerEvent(attributes, Data(attributes, data, base64, index));
    }

    /// <summary>
    /// The data bytes of a structured event: <c>data_base64</c> decoded; JSON data (content type JSON or absent) as its
    /// own text, whitespace and escapes kept; a string under another content type as its UTF-8; 0.3's
    /// <c>datacontentencoding: base64</c> decoded (the attribute goes: binary mode carries bytes).
    /// </summary>
    private static ReadOnlyMemory<byte>? Data(Dictionary<string, string> attributes, JsonElement? data, JsonElement? base64, int? index)
    {
        if (base64 is { ValueKind: not JsonValueKind.Null } encoded)
        {
            if (data is { ValueKind: not JsonValueKind.Null })
            {
                throw new InvalidEventException(new BindingError(BindingErrorKind.Invalid, Detail: "an event carries \"data\" or \"data_base64\", not both", Index: index));
            }

            return DecodeBase64(encoded, "data_base64", index);
        }

        if (data is not { ValueKind: not JsonValueKind.Null } value)
        {
            return null;
        }

        if (attributes.Remove("datacontentencoding", out var encoding))
        {
            return string.Equals(encoding, "base64", StringComparison.OrdinalIgnoreCase)
                ? DecodeBase64(value, "data", index)
                : throw new InvalidEventException(new BindingError(BindingErrorKind.InvalidAttribute, "datacontentencoding", "the only encoding is \"base64\"", Index: index));
        }

        var mediaType = BindingMediaTypes.Of(attributes.GetValueOrDefault(BrokerEvent.DataContentTypeAttribute));
        return mediaType.Length > 0 && !BindingMediaTypes.IsJson(mediaType) && value.ValueKind == JsonValueKind.String
            ? Encoding.UTF8.GetBytes(value.GetString()!)
            : Encoding.UTF8.GetBytes(value.GetRawText());
    }

    private static byte[] DecodeBase64(JsonElement value, string member, int? index)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new InvalidEventException(new BindingError(BindingErrorKind.NotAString, member, Index: index));
        }

        try
        {
            return Convert.FromBase64String(value.GetString()!);
        }
        catch (FormatException)
        {
            throw new InvalidEventException(new BindingError(BindingErrorKind.InvalidData, member, "not valid base64", Index: index));
        }
    }

    private static void Check(Dictionary<string, string> attributes, int? index)
    {
        if (EventAttributeRules.Check(attributes) is not var (attribute, problem))
        {
            return;
        }

        throw new InvalidEventException(problem switch
        {
            "missing" => new BindingError(BindingErrorKind.MissingAttribute, attribute, Index: index),
            "unsupported" => new BindingError(BindingErrorKind.UnsupportedSpecVersion, attribute, attributes[attribute], Index: index),
            _ => new BindingError(BindingErrorKind.InvalidAttribute, attribute, $"\"{attribute}\" {problem}", Index: index),
        });
    }

    private sealed class InvalidEventException(BindingError error) : Exception(error.Kind.ToString())
    {
        public BindingError Error { get; } = error;
    }
}
