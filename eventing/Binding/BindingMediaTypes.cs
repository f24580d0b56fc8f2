using Microsoft.Extensions.Primitives;

namespace Serverless.Eventing.Binding;

/// <summary>The media types of the HTTP binding, and the media-type tests both readers share.</summary>
internal static class BindingMediaTypes
{
    public const string Structured = "application/cloudevents+json";
    public const string Batch = "application/cloudevents-batch+json";

    /// <summary>The lower-case media type of a Content-Type value, without parameters; "" when absent.</summary>
    public static string Of(StringValues contentType)
    {
        var value = contentType.ToString();
        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? value : value[..semicolon]).Trim().ToLowerInvariant();
    }

    /// <summary>JSON as the function runtimes see it: <c>application/json</c>, <c>text/json</c> and <c>*+json</c>.</summary>
    public static bool IsJson(string mediaType) =>
        mediaType is "application/json" or "text/json" || mediaType.EndsWith("+json", StringComparison.Ordinal);
}
