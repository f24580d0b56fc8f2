using System.Net.Mime;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Serverless.Runtime.Dotnet.Events;

/// <summary>
/// HttpRequest → <see cref="CloudEvent"/>, the ASP.NET side of the CloudEvents HTTP binding that
/// CloudNative.CloudEvents.AspNetCore would give (that package is not available here). Pure: headers and
/// body bytes in, event or 400 detail out. Validation messages are word for word those of the node and
/// python runtimes, so that the three answer alike.
/// </summary>
internal static class CloudEventRequestReader
{
    public const string StructuredMediaType = "application/cloudevents+json";
    public const string SpecVersion = "1.0";
    private const string HeaderPrefix = "ce-";

    private static readonly string[] Required = ["specversion", "id", "source", "type"];

    /// <summary>
    /// The Content-Type decides first, as the binding specifies (3.1.1) and as the SDK's own decoder does:
    /// the SDK's HttpClient encoder sends <c>ce-*</c> headers in structured mode too.
    /// </summary>
    public static CloudEventMode Detect(IHeaderDictionary headers)
    {
        if (string.Equals(MediaType(headers.ContentType), StructuredMediaType, StringComparison.Ordinal))
        {
            return CloudEventMode.Structured;
        }

        return headers.ContainsKey("ce-specversion") ? CloudEventMode.Binary : CloudEventMode.None;
    }

    public static CloudEventReadResult Read(CloudEventMode mode, IHeaderDictionary headers, ReadOnlyMemory<byte> body) => mode switch
    {
        CloudEventMode.Binary => ReadBinary(headers, body),
        CloudEventMode.Structured => ReadStructured(body),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "not an event"),
    };

    private static CloudEventReadResult ReadBinary(IHeaderDictionary headers, ReadOnlyMemory<byte> body)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in headers)
        {
            if (name.Length > HeaderPrefix.Length && name.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                attributes[name[HeaderPrefix.Length..].ToLowerInvariant()] = HeaderPercentEncoding.Decode(values.ToString());
            }
        }

        foreach (var name in Required)
        {
            if (!attributes.TryGetValue(name, out var value) || value.Length == 0)
            {
                return CloudEventReadResult.Invalid(Missing(name));
            }
        }

        if (attributes["specversion"] != SpecVersion)
        {
            return CloudEventReadResult.Invalid(Unsupported(attributes["specversion"]));
        }

        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.V1_0);
        foreach (var (name, value) in attributes)
        {
            if (name == "specversion")
            {
                continue;
            }

            try
            {
                cloudEvent.SetAttributeFromString(name, value);
            }
            catch (ArgumentException ex)
            {
                return CloudEventReadResult.Invalid($"The CloudEvent attribute \"{name}\" is invalid: {ex.Message}");
            }
        }

        var contentType = headers.ContentType;
        if (!StringValues.IsNullOrEmpty(contentType))
        {
            cloudEvent.DataContentType = contentType.ToString();
        }

        var type = MediaType(contentType);
        if (body.IsEmpty)
        {
            return CloudEventReadResult.Valid(cloudEvent);
        }

        if (IsJsonMediaType(type))
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                cloudEvent.Data = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                return CloudEventReadResult.Invalid($"The CloudEvent data is declared as {type} but is not valid JSON: {ex.Message}");
            }
        }
        else if (type.StartsWith("text/", StringComparison.Ordinal))
        {
            cloudEvent.Data = Encoding.UTF8.GetString(body.Span);
        }
        else
        {
            cloudEvent.Data = body.ToArray();
        }

        return CloudEventReadResult.Valid(cloudEvent);
    }

    private static CloudEventReadResult ReadStructured(ReadOnlyMemory<byte> body)
    {
        // Checked here rather than left to the SDK's formatter so that the 400 names the attribute in the
        // same words as the other runtimes; the formatter then builds the event.
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return CloudEventReadResult.Invalid("The structured CloudEvent must be a JSON object");
            }

            foreach (var name in Required)
            {
                if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null
                    || (value.ValueKind == JsonValueKind.String && value.GetString() is ""))
                {
                    return CloudEventReadResult.Invalid(Missing(name));
                }

                if (value.ValueKind != JsonValueKind.String)
                {
                    return CloudEventReadResult.Invalid($"The CloudEvent attribute \"{name}\" must be a string");
                }
            }

            var specVersion = root.GetProperty("specversion").GetString();
            if (specVersion != SpecVersion)
            {
                return CloudEventReadResult.Invalid(Unsupported(specVersion));
            }

            if (root.TryGetProperty("data_base64", out var base64) && base64.ValueKind != JsonValueKind.String)
            {
                return CloudEventReadResult.Invalid("The CloudEvent attribute \"data_base64\" must be a string");
            }
        }
        catch (JsonException ex)
        {
            return CloudEventReadResult.Invalid($"The structured CloudEvent is not valid JSON: {ex.Message}");
        }

        try
        {
            // Created here, not in a static field: Detect runs on every request, and loading the formatter's
            // assembly at the first one would add to every cold start.
            return CloudEventReadResult.Valid(new JsonEventFormatter().DecodeStructuredModeMessage(body, new ContentType(StructuredMediaType), extensionAttributes: null));
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            // An attribute of the wrong type (a "time" that is no timestamp, a non-URI "source"...), bad base64.
            return CloudEventReadResult.Invalid($"The CloudEvent is invalid: {ex.Message}");
        }
    }

    /// <summary>The lower-case media type of a Content-Type value, without parameters; "" when absent.</summary>
    public static string MediaType(StringValues contentType)
    {
        var value = contentType.ToString();
        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? value : value[..semicolon]).Trim().ToLowerInvariant();
    }

    private static bool IsJsonMediaType(string type) =>
        type is "application/json" or "text/json" || type.EndsWith("+json", StringComparison.Ordinal);

    private static string Missing(string name) => $"The CloudEvent is missing the required attribute \"{name}\"";

    private static string Unsupported(string? specVersion) =>
        $"The CloudEvent specversion \"{specVersion}\" is not supported; this runtime accepts \"{SpecVersion}\"";
}
