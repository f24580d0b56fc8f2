using System.Net.Mime;
using System.Text.Json;
using CloudNative.CloudEvents;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Serverless.Eventing.Binding;

/// <summary>
/// The server side of the CloudEvents HTTP binding (binary, structured and batch modes) over ASP.NET's request
/// headers and the body bytes, as CloudNative.CloudEvents.AspNetCore would give it (that package is not available).
/// Pure: headers and body in, events or a <see cref="BindingError"/> out, which each caller words for its clients.
/// </summary>
/// <remarks>
/// Shared as source by the broker ingress and the C# runtime (which references no server project). The required
/// attributes and the JSON shape are checked before the SDK's <c>JsonEventFormatter</c> builds an event, so that an
/// error names the attribute.
/// </remarks>
internal static class HttpBindingReader
{
    private const string HeaderPrefix = "ce-";

    /// <summary>Required by CloudEvents 1.0, in the order a missing one is reported.</summary>
    private static readonly string[] Required = ["specversion", "id", "source", "type"];

    /// <summary>
    /// The Content-Type decides first, as the binding specifies (3.1.1) and as the SDK's own decoder does: the SDK's
    /// HttpClient encoder sends <c>ce-*</c> headers in structured mode too.
    /// </summary>
    /// <param name="acceptBatch">
    /// Whether the caller reads batches. When it does not, the batch media type is just another Content-Type, and a
    /// <c>ce-specversion</c> header still makes the request binary (as the node and python runtimes decide).
    /// </param>
    public static CloudEventMode Detect(IHeaderDictionary headers, bool acceptBatch)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return BindingMediaTypes.Of(headers.ContentType) switch
        {
            BindingMediaTypes.Structured => CloudEventMode.Structured,
            BindingMediaTypes.Batch when acceptBatch => CloudEventMode.Batch,
            _ when headers.ContainsKey("ce-specversion") => CloudEventMode.Binary,
            _ => CloudEventMode.None,
        };
    }

    public static BindingResult Read(CloudEventMode mode, IHeaderDictionary headers, ReadOnlyMemory<byte> body, BinaryDataDecoding data)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return mode switch
        {
            CloudEventMode.Binary => ReadBinary(headers, body, data),
            CloudEventMode.Structured => ReadStructured(body),
            CloudEventMode.Batch => ReadBatch(body),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "not an event"),
        };
    }

    /// <summary>Binary mode's <c>ce-*</c> headers: each attribute's lower-case name and its value as sent (still encoded).</summary>
    public static IEnumerable<(string Attribute, string Value)> AttributeHeaders(IHeaderDictionary headers)
    {
        foreach (var (name, values) in headers)
        {
            if (name.Length > HeaderPrefix.Length && name.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                yield return (name[HeaderPrefix.Length..].ToLowerInvariant(), values.ToString());
            }
        }
    }

    private static BindingResult ReadBinary(IHeaderDictionary headers, ReadOnlyMemory<byte> body, BinaryDataDecoding data)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (attribute, value) in AttributeHeaders(headers))
        {
            attributes[attribute] = HeaderPercentEncoding.Decode(value);
        }

        foreach (var name in Required)
        {
            if (!attributes.TryGetValue(name, out var value) || value.Length == 0)
            {
                return BindingResult.Invalid(new BindingError(BindingErrorKind.MissingAttribute, name));
            }
        }

        if (CloudEventsSpecVersion.FromVersionId(attributes["specversion"]) is not { } version)
        {
            return BindingResult.Invalid(new BindingError(BindingErrorKind.UnsupportedSpecVersion, "specversion", attributes["specversion"]));
        }

        var cloudEvent = new CloudEvent(version);
        foreach (var (name, value) in attributes)
        {
            if (name != "specversion" && SetAttribute(cloudEvent, name, () => cloudEvent.SetAttributeFromString(name, value)) is { } error)
            {
                return BindingResult.Invalid(error);
            }
        }

        var contentType = headers.ContentType;
        if (!StringValues.IsNullOrEmpty(contentType)
            && SetAttribute(cloudEvent, "datacontenttype", () => cloudEvent.DataContentType = contentType.ToString()) is { } invalidType)
        {
            return BindingResult.Invalid(invalidType);
        }

        if (!body.IsEmpty && BinaryDataDecoder.Decode(data, cloudEvent, body, BindingMediaTypes.Of(contentType)) is { } invalidData)
        {
            return BindingResult.Invalid(invalidData);
        }

        return BindingResult.Valid(cloudEvent);
    }

    /// <summary>The SDK validates as it sets: a "time" that is no timestamp, a non-URI "source", a bad extension name.</summary>
    private static BindingError? SetAttribute(CloudEvent cloudEvent, string name, Action set)
    {
        try
        {
            set();
            return null;
        }
        catch (ArgumentException e)
        {
            return new BindingError(BindingErrorKind.InvalidAttribute, name, e.Message);
        }
    }

    private static BindingResult ReadStructured(ReadOnlyMemory<byte> body)
    {
        if (CheckJson(body, batch: false) is { } error)
        {
            return BindingResult.Invalid(error);
        }

        return Decode(() => [SharedFormatter.Json.DecodeStructuredModeMessage(body, new ContentType(BindingMediaTypes.Structured), extensionAttributes: null)]);
    }

    private static BindingResult ReadBatch(ReadOnlyMemory<byte> body)
    {
        if (CheckJson(body, batch: true) is { } error)
        {
            return BindingResult.Invalid(error);
        }

        return Decode(() => SharedFormatter.Json.DecodeBatchModeMessage(body, new ContentType(BindingMediaTypes.Batch), extensionAttributes: null));
    }

    private static BindingResult Decode(Func<IReadOnlyList<CloudEvent>> decode)
    {
        try
        {
            return BindingResult.Valid(decode());
        }
        catch (Exception e) when (e is ArgumentException or FormatException or JsonException)
        {
            // An attribute of the wrong type (a "time" that is no timestamp, a non-URI "source"), bad base64.
            return BindingResult.Invalid(new BindingError(BindingErrorKind.Invalid, Detail: e.Message));
        }
    }

    /// <summary>The structure and required attributes of a structured event or batch, checked before the SDK decodes it.</summary>
    private static BindingError? CheckJson(ReadOnlyMemory<byte> body, bool batch)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (!batch)
            {
                return CheckObject(root, index: null);
            }

            if (root.ValueKind != JsonValueKind.Array)
            {
                return new BindingError(BindingErrorKind.NotAnArray);
            }

            var index = 0;
            foreach (var element in root.EnumerateArray())
            {
                if (CheckObject(element, index) is { } error)
                {
                    return error;
                }

                index++;
            }

            return index == 0 ? new BindingError(BindingErrorKind.EmptyBatch) : null;
        }
        catch (JsonException e)
        {
            return new BindingError(BindingErrorKind.NotJson, Detail: e.Message);
        }
    }

    private static BindingError? CheckObject(JsonElement element, int? index)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return new BindingError(BindingErrorKind.NotAnObject, Index: index);
        }

        foreach (var name in Required)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null
                || (value.ValueKind == JsonValueKind.String && value.GetString() is ""))
            {
                return new BindingError(BindingErrorKind.MissingAttribute, name, Index: index);
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                return new BindingError(BindingErrorKind.NotAString, name, Index: index);
            }
        }

        var version = element.GetProperty("specversion").GetString()!;
        if (CloudEventsSpecVersion.FromVersionId(version) is null)
        {
            return new BindingError(BindingErrorKind.UnsupportedSpecVersion, "specversion", version, Index: index);
        }

        if (element.TryGetProperty("data_base64", out var base64) && base64.ValueKind != JsonValueKind.String)
        {
            return new BindingError(BindingErrorKind.NotAString, "data_base64", Index: index);
        }

        return null;
    }
}
