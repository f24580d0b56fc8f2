using System.Net.Mime;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Serverless.Eventing.Ingress;

/// <summary>
/// The server side of the CloudEvents HTTP binding (binary, structured and batch modes) over ASP.NET's request
/// headers and the body bytes; CloudNative.CloudEvents.AspNetCore would give it, but that package is not available.
/// Pure: headers and body in, events or a 400 detail naming the attribute out. The SDK's <see cref="JsonEventFormatter"/>
/// builds the events; the required attributes are checked first so that the error names the attribute.
/// </summary>
internal static class CloudEventHttpReader
{
    public const string StructuredMediaType = "application/cloudevents+json";
    public const string BatchMediaType = "application/cloudevents-batch+json";
    private const string HeaderPrefix = "ce-";

    /// <summary>Required by CloudEvents 1.0, in the order a missing one is reported.</summary>
    public static readonly IReadOnlyList<string> Required = ["specversion", "id", "source", "type"];

    private static readonly JsonEventFormatter Formatter = new();

    public static ParsedEvents Parse(IHeaderDictionary headers, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        // The Content-Type decides first, as the binding specifies (3.1.1): the SDK's encoder sends ce-* headers in
        // structured mode too.
        return MediaType(headers.ContentType) switch
        {
            StructuredMediaType => ReadStructured(body),
            BatchMediaType => ReadBatch(body),
            _ when headers.ContainsKey("ce-specversion") => ReadBinary(headers, body),
            _ => ParsedEvents.Invalid($"not a CloudEvent: expected ce-* headers (binary mode) or Content-Type {StructuredMediaType} or {BatchMediaType}"),
        };
    }

    private static ParsedEvents ReadBinary(IHeaderDictionary headers, ReadOnlyMemory<byte> body)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in headers)
        {
            if (name.Length > HeaderPrefix.Length && name.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                attributes[name[HeaderPrefix.Length..].ToLowerInvariant()] = HeaderValueEncoding.Decode(values.ToString());
            }
        }

        foreach (var name in Required)
        {
            if (!attributes.TryGetValue(name, out var value) || value.Length == 0)
            {
                return ParsedEvents.Invalid(Missing(name));
            }
        }

        if (CloudEventsSpecVersion.FromVersionId(attributes["specversion"]) is not { } version)
        {
            return ParsedEvents.Invalid(UnsupportedVersion(attributes["specversion"]));
        }

        var cloudEvent = new CloudEvent(version);
        try
        {
            foreach (var (name, value) in attributes)
            {
                if (name != "specversion")
                {
                    cloudEvent.SetAttributeFromString(name, value);
                }
            }

            if (!StringValues.IsNullOrEmpty(headers.ContentType))
            {
                cloudEvent.DataContentType = headers.ContentType.ToString();
            }

            if (!body.IsEmpty)
            {
                Formatter.DecodeBinaryModeEventData(body, cloudEvent);
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or JsonException)
        {
            return ParsedEvents.Invalid("invalid CloudEvent: " + e.Message);
        }

        return ParsedEvents.Valid([cloudEvent]);
    }

    private static ParsedEvents ReadStructured(ReadOnlyMemory<byte> body)
    {
        if (CheckJson(body, batch: false) is { } error)
        {
            return ParsedEvents.Invalid(error);
        }

        return Decode(() => [Formatter.DecodeStructuredModeMessage(body, new ContentType(StructuredMediaType), extensionAttributes: null)]);
    }

    private static ParsedEvents ReadBatch(ReadOnlyMemory<byte> body)
    {
        if (CheckJson(body, batch: true) is { } error)
        {
            return ParsedEvents.Invalid(error);
        }

        return Decode(() => Formatter.DecodeBatchModeMessage(body, new ContentType(BatchMediaType), extensionAttributes: null));
    }

    private static ParsedEvents Decode(Func<IReadOnlyList<CloudEvent>> decode)
    {
        try
        {
            return ParsedEvents.Valid(decode());
        }
        catch (Exception e) when (e is ArgumentException or FormatException or JsonException)
        {
            // An attribute of the wrong type (a "time" that is no timestamp, a non-URI "source"), bad base64.
            return ParsedEvents.Invalid("invalid CloudEvent: " + e.Message);
        }
    }

    /// <summary>The structure and required attributes of a structured event or batch, checked before the SDK decodes it.</summary>
    private static string? CheckJson(ReadOnlyMemory<byte> body, bool batch)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (!batch)
            {
                return CheckObject(root, prefix: "");
            }

            if (root.ValueKind != JsonValueKind.Array)
            {
                return "a CloudEvents batch must be a JSON array of events";
            }

            var index = 0;
            foreach (var element in root.EnumerateArray())
            {
                if (CheckObject(element, $"event [{index}]: ") is { } error)
                {
                    return error;
                }

                index++;
            }

            return index == 0 ? "a CloudEvents batch must hold at least one event" : null;
        }
        catch (JsonException e)
        {
            return "the CloudEvent is not valid JSON: " + e.Message;
        }
    }

    private static string? CheckObject(JsonElement element, string prefix)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return prefix + "a structured CloudEvent must be a JSON object";
        }

        foreach (var name in Required)
        {
            if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null
                || (value.ValueKind == JsonValueKind.String && value.GetString() is ""))
            {
                return prefix + Missing(name);
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                return prefix + $"the CloudEvent attribute \"{name}\" must be a string";
            }
        }

        var version = element.GetProperty("specversion").GetString()!;
        return CloudEventsSpecVersion.FromVersionId(version) is null ? prefix + UnsupportedVersion(version) : null;
    }

    /// <summary>The lower-case media type of a Content-Type value, without parameters; "" when absent.</summary>
    public static string MediaType(StringValues contentType)
    {
        var value = contentType.ToString();
        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? value : value[..semicolon]).Trim().ToLowerInvariant();
    }

    private static string Missing(string name) => $"the CloudEvent is missing the required attribute \"{name}\"";

    private static string UnsupportedVersion(string version) =>
        $"the CloudEvent attribute \"specversion\" is \"{Core.Naming.Names.Printable(version)}\"; supported: \"1.0\"";
}
