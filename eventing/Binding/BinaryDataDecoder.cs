using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;

namespace Serverless.Eventing.Binding;

/// <summary>Sets <c>CloudEvent.Data</c> from a binary-mode body by the rules of a <see cref="BinaryDataDecoding"/>.</summary>
internal static class BinaryDataDecoder
{
    /// <summary>Decodes <paramref name="body"/> (not empty) into <paramref name="cloudEvent"/>; null when it decoded.</summary>
    public static BindingError? Decode(BinaryDataDecoding decoding, CloudEvent cloudEvent, ReadOnlyMemory<byte> body, string mediaType) =>
        decoding switch
        {
            BinaryDataDecoding.Formatter => DecodeWithFormatter(cloudEvent, body, mediaType),
            BinaryDataDecoding.MediaType => DecodeByMediaType(cloudEvent, body, mediaType),
            _ => throw new ArgumentOutOfRangeException(nameof(decoding), decoding, null),
        };

    private static BindingError? DecodeWithFormatter(CloudEvent cloudEvent, ReadOnlyMemory<byte> body, string mediaType)
    {
        try
        {
            SharedFormatter.Json.DecodeBinaryModeEventData(body, cloudEvent);
            return null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or JsonException)
        {
            // Not JSON where JSON is declared, an unknown charset.
            return new BindingError(BindingErrorKind.InvalidData, Detail: e.Message, MediaType: mediaType);
        }
    }

    private static BindingError? DecodeByMediaType(CloudEvent cloudEvent, ReadOnlyMemory<byte> body, string mediaType)
    {
        if (BindingMediaTypes.IsJson(mediaType))
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                cloudEvent.Data = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                return new BindingError(BindingErrorKind.InvalidData, Detail: e.Message, MediaType: mediaType);
            }
        }
        else if (mediaType.StartsWith("text/", StringComparison.Ordinal))
        {
            cloudEvent.Data = Encoding.UTF8.GetString(body.Span);
        }
        else
        {
            cloudEvent.Data = body.ToArray();
        }

        return null;
    }
}
