using System.Text;

namespace Serverless.Platform.Admin;

/// <summary>
/// The name in a Namespace sent as <c>application/vnd.kubernetes.protobuf</c>, which <c>kubectl create ns</c> uses
/// (its typed client speaks protobuf for built-in kinds): the <c>k8s\0</c> magic, a <c>runtime.Unknown</c> whose
/// field 2 (raw) is the Namespace, whose field 1 is its ObjectMeta, whose field 1 is the name. Nothing else is read.
/// </summary>
internal static class ProtobufNamespace
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    private static readonly byte[] Magic = "k8s\0"u8.ToArray();

    /// <summary>The name, or null when the bytes are not such a message.</summary>
    public static string? TryReadName(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(Magic))
        {
            return null;
        }

        var raw = Field(body[Magic.Length..], 2);
        var metadata = raw is null ? null : Field(raw, 1);
        var name = metadata is null ? null : Field(metadata, 1);
        return name is null ? null : Encoding.UTF8.GetString(name);
    }

    /// <summary>The bytes of the first length-delimited field <paramref name="number"/>; null when absent or malformed.</summary>
    private static byte[]? Field(ReadOnlySpan<byte> message, int number)
    {
        var position = 0;
        while (position < message.Length)
        {
            if (!TryVarint(message, ref position, out var key))
            {
                return null;
            }

            var wireType = (int)(key & 7);
            var field = key >> 3;
            switch (wireType)
            {
                case 0 when TryVarint(message, ref position, out _):
                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                case 2 when TryVarint(message, ref position, out var length) && length <= (ulong)(message.Length - position):
                    if (field == (ulong)number)
                    {
                        return message.Slice(position, (int)length).ToArray();
                    }

                    position += (int)length;
                    break;
                default:
                    return null;
            }
        }

        return null;
    }

    private static bool TryVarint(ReadOnlySpan<byte> message, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && position < message.Length; shift += 7)
        {
            var b = message[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }
}
