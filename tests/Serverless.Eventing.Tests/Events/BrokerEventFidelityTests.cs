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
            Assert.Equal(HeaderPercentEncoding.DecodeStrict(value.ToString()), HeaderPercentEncoding.DecodeStrict(sent));
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

    /// <summary>
    /// The cases of the CloudEvents conformance suite (cloudevents/conformance, yaml/v1.0, yaml/v0.3, v1.yaml, v3.yaml),
    /// each sent in binary mode by a conformant sender and in structured mode, and compared with what is delivered.
    /// </summary>
    public static TheoryData<string, string, string, string?, string, string[]> Conformance => new()
    {
        // label, specversion, id, datacontenttype, data, extra attributes (name=value, unencoded)
        { "v1.0 minimum us-ascii", "1.0", "conformance-0001", "text/plain; charset=us-ascii", "Hello, World!\n", [] },
        { "v1.0 minimum utf-8 text", "1.0", "conformance-0002", "text/plain; charset=utf-8", "Hello, 🌎!\n", [] },
        { "v1.0 minimum JSON string", "1.0", "conformance-0003", "application/json; charset=utf-8", "\"Hello, 🌎!\"\n", [] },
        { "v1.0 minimum JSON object", "1.0", "conformance-0004", "application/json; charset=utf-8", "{\"msg\":\"Hello, 🌎!\"}\n", [] },
        { "v1.0 minimum JSON array", "1.0", "conformance-0005", "application/json; charset=utf-8", "[\"Hello\",\"🌎!\"]\n", [] },
        { "v1.0 minimum XML", "1.0", "conformance-0006", "application/xml; charset=utf-8", "<msg>Hello, 🌎!</msg>\n", [] },
        { "v0.3 minimum us-ascii", "0.3", "conformance-0001", "text/plain; charset=us-ascii", "Hello, World!\n", [] },
        { "v0.3 minimum utf-8 text", "0.3", "conformance-0002", "text/plain; charset=utf-8", "Hello, 🌎!\n", [] },
        { "v1 with extensions", "1.0", "4321-4321-4321", null, "{\"world\":\"hello\"}\n", ["time=2018-04-05T03:56:24Z", "comexampleextension1=value", "comexampleextension2={\"othervalue\": 5}\n"] },
        { "v3 with extensions", "0.3", "4321-4321-4321", null, "{\"world\":\"hello\"}\n", ["time=2018-04-05T03:56:24Z", "comexampleextension1=value", "comexampleextension2={\"othervalue\": 5}\n"] },
    };

    [Theory]
    [MemberData(nameof(Conformance))]
    public async Task ConformanceCase_BinaryMode_DeliveredAsSent(string label, string version, string id, string? contentType, string data, string[] extra)
    {
        var attributes = Attributes(version, id, extra);
        var headers = new HeaderDictionary();
        foreach (var (name, value) in attributes)
        {
            headers["ce-" + name] = HeaderPercentEncoding.Encode(value);
        }

        if (contentType is not null)
        {
            headers["Content-Type"] = contentType;
        }

        var parsed = CloudEventHttpReader.Parse(headers, Encoding.UTF8.GetBytes(data));
        Assert.True(parsed.IsValid, $"{label}: {parsed.Error}");
        var delivered = await DeliverAsync(Assert.Single(parsed.Events));

        Assert.Equal(Encoding.UTF8.GetBytes(data), delivered.Body);
        Assert.Equal(contentType, delivered.ContentType);
        Assert.Equal(attributes, delivered.Headers.ToDictionary(h => h.Key[3..], h => HeaderPercentEncoding.DecodeStrict(h.Value)!));
    }

    [Theory]
    [MemberData(nameof(Conformance))]
    public async Task ConformanceCase_StructuredMode_DeliveredWithTheSameAttributesAndData(string label, string version, string id, string? contentType, string data, string[] extra)
    {
        var attributes = Attributes(version, id, extra);
        var json = new System.Text.Json.Nodes.JsonObject();
        foreach (var (name, value) in attributes)
        {
            json[name] = value;
        }

        if (contentType is not null)
        {
            json["datacontenttype"] = contentType;
        }

        // JSON data (declared, or no content type) is a JSON value in the envelope; anything else a string.
        var isJson = contentType is null || contentType.StartsWith("application/json", StringComparison.Ordinal);
        json["data"] = isJson ? System.Text.Json.Nodes.JsonNode.Parse(data) : data;
        var parsed = CloudEventHttpReader.Parse(new HeaderDictionary { ["Content-Type"] = BindingMediaTypes.Structured }, Encoding.UTF8.GetBytes(json.ToJsonString()));
        Assert.True(parsed.IsValid, $"{label}: {parsed.Error}");

        var delivered = await DeliverAsync(Assert.Single(parsed.Events));

        Assert.Equal(isJson ? json["data"]!.ToJsonString() : data, Encoding.UTF8.GetString(delivered.Body));
        Assert.Equal(contentType, delivered.ContentType);
        Assert.Equal(attributes, delivered.Headers.ToDictionary(h => h.Key[3..], h => HeaderPercentEncoding.DecodeStrict(h.Value)!));
    }

    private static Dictionary<string, string> Attributes(string version, string id, string[] extra)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["specversion"] = version,
            ["id"] = id,
            ["source"] = extra.Length == 0 ? "//github.com/cloudevents/conformance/yaml" : "/mycontext/subcontext",
            ["type"] = extra.Length == 0 ? "io.cloudevents.minimum" : "com.example.someevent",
        };
        foreach (var pair in extra)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            attributes[pair[..equals]] = pair[(equals + 1)..];
        }

        return attributes;
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
