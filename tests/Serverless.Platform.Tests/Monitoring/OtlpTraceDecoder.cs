using System.Text;

namespace Serverless.Platform.Tests.Monitoring;

/// <summary>
/// Decodes an OTLP <c>ExportTraceServiceRequest</c> (protobuf) down to its spans, by the wire format alone:
/// resource_spans = 1 → scope_spans = 2 → spans = 2 → trace_id = 1, span_id = 2, parent_span_id = 4, name = 5, kind = 6.
/// </summary>
internal static class OtlpTraceDecoder
{
    public static IEnumerable<OtlpSpan> Spans(byte[] request)
    {
        foreach (var resourceSpans in Messages(request, 1))
        {
            foreach (var scopeSpans in Messages(resourceSpans, 2))
            {
                foreach (var span in Messages(scopeSpans, 2))
                {
                    string traceId = "", spanId = "", parent = "", name = "";
                    var kind = 0;
                    foreach (var (field, wireType, bytes, number) in Fields(span))
                    {
                        switch (field, wireType)
                        {
                            case (1, 2): traceId = Convert.ToHexStringLower(bytes); break;
                            case (2, 2): spanId = Convert.ToHexStringLower(bytes); break;
                            case (4, 2): parent = Convert.ToHexStringLower(bytes); break;
                            case (5, 2): name = Encoding.UTF8.GetString(bytes); break;
                            case (6, 0): kind = (int)number; break;
                        }
                    }

                    yield return new OtlpSpan(traceId, spanId, parent, name, kind);
                }
            }
        }
    }

    private static IEnumerable<byte[]> Messages(byte[] message, int field) =>
        Fields(message).Where(f => f.Field == field && f.WireType == 2).Select(f => f.Bytes);

    /// <summary>Every field of a message: number, wire type, and its bytes (length-delimited) or value (varint).</summary>
    private static List<(int Field, int WireType, byte[] Bytes, ulong Number)> Fields(byte[] message)
    {
        var fields = new List<(int, int, byte[], ulong)>();
        var position = 0;
        while (position < message.Length)
        {
            var key = Varint(message, ref position);
            var (field, wireType) = ((int)(key >> 3), (int)(key & 7));
            switch (wireType)
            {
                case 0:
                    fields.Add((field, wireType, [], Varint(message, ref position)));
                    break;
                case 1:
                    position += 8;
                    break;
                case 2:
                    var length = (int)Varint(message, ref position);
                    fields.Add((field, wireType, message[position..(position + length)], 0));
                    position += length;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"wire type {wireType} of field {field} at {position}");
            }
        }

        return fields;
    }

    private static ulong Varint(byte[] message, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
