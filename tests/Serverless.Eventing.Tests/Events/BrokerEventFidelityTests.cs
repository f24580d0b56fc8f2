using System.Text;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.AspNetCore.Http;
using Serverless.Eventing.Binding;
using Serverless.Eventing.Events;
using Serverless.Eventing.Ingress;

namespace Serverless.Eventing.Tests.Events;

/// <summary>
/// Issue #15, byte-exact events: what the ingress accepts is what a subscriber receives — read, stored (the event
/// store's codec), read back and written as a binary-mode request. Cases from the spec and from the defects found.
/// </summary>
public sealed class BrokerEventFidelityTests
{
    public static TheoryData<string, string?, string, string[]> Binary => new()
    {
        // label, Content-Type (null: none), body, extra ce- headers as name=value
        { "JSON with whitespace and a newline", "application/json", "{\n    \"message\": \"Hello World!\"\n}\n", [] },
        { "a JSON string with non-ASCII", "application/json", "\"Hello, 🌎!\"", [] },
        { "no content type, not JSON", null, "hello, plain bytes", [] },
        { "no content type, JSON", null, "{\"a\": 1}", [] },
        { "text with a charset", "text/plain; charset=utf-8", "zürich café", [] },
        { "time at nanoseconds", "application/json", "{}", ["time=2018-04-05T17:31:00.123456789Z"] },
        { "time with lower-case t and z", "application/json", "{}", ["time=2018-04-05t17:31:00z"] },
        { "time with an offset", "application/json", "{}", ["time=2018-04-05T19:31:00.5+02:00"] },
        { "extensions of every type", "application/json", "{}", ["exttrue=true", "extint=-42", "exturi=https://example.com/a?b=c", "extbinary=AQID", "exttime=2020-01-01T00:00:00Z"] },
        { "a percent-encoded extension", "application/json", "{}", ["subject=caf%C3%A9%20%22x%22%25"] },
        { "specversion 0.3", "application/json", "{}", ["specversion=0.3", "schemaurl=https://example.com/schema"] },
    };

    [Theory]
    [MemberData(nameof(Binary))]
    public async Task BinaryMode_StoredAndDelivered_ByteForByte(string label, string? contentType, string body, string[] extensions)
    {
        var headers = new HeaderDictionary { ["ce-specversion"] = "1.0", ["ce-id"] = "A234-1234-1234", ["ce-source"] = "/mycontext", ["ce-type"] = "com.example.someevent" };
        foreach (var extension in extensions)
        {
            var (name, value) = (extension[..extension.IndexOf('=', StringComparison.Ordinal)], extension[(extension.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            headers["ce-" + name] = value;
        }

        if (contentType is not null)
        {
            headers["Content-Type"] = contentType;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        var parsed = CloudEventHttpReader.Parse(headers, bytes);
        Assert.True(parsed.IsValid, $"{label}: {parsed.Error}");

        var delivered = await DeliverAsync(Assert.Single(parsed.Events));

        Assert.Equal(bytes, delivered.Body);
        Assert.Equal(contentType, delivered.ContentType);
        foreach (var (name, value) in headers.Where(h => h.Key.StartsWith("ce-", StringComparison.Ordinal)))
        {
            Assert.True(delivered.Headers.TryGetValue(name, out var sent), $"{label}: {name} missing");

            // The same value; the encoding may differ only where the binding lets it (space as %20, etc.).
            Assert.Equal(StrictPercentDecoding.Decode(value.ToString()), StrictPercentDecoding.Decode(sent));
        }

        Assert.Equal(headers.Count(h => h.Key.StartsWith("ce-", StringComparison.Ordinal)), delivered.Headers.Count);
    }

    public static TheoryData<string, string, string?, string> Structured => new()
    {
        // label, structured body, delivered Content-Type (null: none), delivered body
        { "JSON data keeps its whitespace", """{"specversion":"1.0","id":"1","source":"/s","type":"t","datacontenttype":"application/json","data":{ "message" :  "Hello" }}""", "application/json", """{ "message" :  "Hello" }""" },
        { "JSON data keeps its escapes", """{"specversion":"1.0","id":"1","source":"/s","type":"t","data":"Hello, \ud83c\udf0e!"}""", null, "\"Hello, \\ud83c\\udf0e!\"" },
        { "absent content type stays absent", """{"specversion":"1.0","id":"1","source":"/s","type":"t","data":{"a":1}}""", null, """{"a":1}""" },
        { "text data is its string", """{"specversion":"1.0","id":"1","source":"/s","type":"t","datacontenttype":"text/plain","data":"line 1\nline 2"}""", "text/plain", "line 1\nline 2" },
        { "data_base64 is its bytes", """{"specversion":"1.0","id":"1","source":"/s","type":"t","datacontenttype":"application/octet-stream","data_base64":"AAEC/w=="}""", "application/octet-stream", "\0\u0001\u0002\u00ff" },
        { "0.3 with datacontentencoding", """{"specversion":"0.3","id":"1","source":"/s","type":"t","datacontenttype":"text/plain","datacontentencoding":"base64","data":"aGk="}""", "text/plain", "hi" },
        { "no data", """{"specversion":"1.0","id":"1","source":"/s","type":"t"}""", null, "" },
    };

    [Theory]
    [MemberData(nameof(Structured))]
    public async Task StructuredMode_DeliveredInBinaryMode_DataAsSent(string label, string body, string? contentType, string expected)
    {
        var parsed = CloudEventHttpReader.Parse(new HeaderDictionary { ["Content-Type"] = BindingMediaTypes.Structured }, Encoding.UTF8.GetBytes(body));
        Assert.True(parsed.IsValid, $"{label}: {parsed.Error}");

        var delivered = await DeliverAsync(Assert.Single(parsed.Events));

        var bytes = label.StartsWith("data_base64", StringComparison.Ordinal) ? [0, 1, 2, 255] : Encoding.UTF8.GetBytes(expected);
        Assert.Equal(bytes, delivered.Body);
        Assert.Equal(contentType, delivered.ContentType);
        Assert.False(delivered.Headers.ContainsKey("ce-datacontentencoding"), label);
        Assert.Equal(body.Contains("\"0.3\"", StringComparison.Ordinal) ? "0.3" : "1.0", delivered.Headers["ce-specversion"]);
    }

    [Fact]
    public void Codec_EventStoredByAnEarlierVersion_StillDecodes()
    {
        var legacy = new CloudEvent
        {
            Id = "old-1",
            Source = new Uri("/orders", UriKind.Relative),
            Type = "order",
            Time = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero),
            DataContentType = "application/json",
            Data = new { total = 3 },
        };
        legacy.SetAttributeFromString("knativebrokerttl", "254");
        var payload = new JsonEventFormatter().EncodeStructuredModeMessage(legacy, out _);

        var decoded = BrokerEventCodec.Decode(payload);

        Assert.Equal(("old-1", "/orders", "order", "1.0"), (decoded.Id, decoded.Source, decoded.Type, decoded.SpecVersion));
        Assert.Equal("2024-01-02T03:04:05Z", decoded["time"]);
        Assert.Equal("254", decoded["knativebrokerttl"]);
        Assert.Equal("""{"total":3}""", Encoding.UTF8.GetString(decoded.Data!.Value.Span));
    }

    /// <summary>Through the store's codec and the sender's binary writer, as a subscriber would read the request.</summary>
    private static async Task<(Dictionary<string, string> Headers, string? ContentType, byte[] Body)> DeliverAsync(BrokerEvent accepted)
    {
        var stored = BrokerEventCodec.Decode(BrokerEventCodec.Encode(accepted));
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://subscriber.test/");
        BrokerEventContent.WriteBinary(request, stored);
        var headers = request.Headers.Where(h => h.Key.StartsWith("ce-", StringComparison.Ordinal)).ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.Ordinal);
        var contentType = request.Content!.Headers.TryGetValues("Content-Type", out var types) ? string.Join(",", types) : null;
        return (headers, contentType, await request.Content.ReadAsByteArrayAsync());
    }
}
