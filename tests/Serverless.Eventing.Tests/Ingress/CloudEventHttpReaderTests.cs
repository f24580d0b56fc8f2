using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.AspNetCore.Http;
using Serverless.Eventing.Ingress;
using Serverless.Eventing.Tests.Fakes;

namespace Serverless.Eventing.Tests.Ingress;

public sealed class CloudEventHttpReaderTests
{
    private static readonly JsonEventFormatter Formatter = new();

    /// <summary>The headers and body of an SDK-encoded HttpContent, as ASP.NET would present them.</summary>
    internal static async Task<(HeaderDictionary Headers, byte[] Body)> AsRequestAsync(HttpContent content)
    {
        var headers = new HeaderDictionary();
        foreach (var (name, values) in content.Headers)
        {
            headers[name] = values.ToArray();
        }

        return (headers, await content.ReadAsByteArrayAsync());
    }

    private static CloudEvent Rich()
    {
        var cloudEvent = TestEvents.SdkEvent("order-1", type: "dev.example.order.created", source: "https://shop.example/orders", data: new { total = 12.5, note = "zürich café" });
        cloudEvent.Subject = "order 1/ünïcode";
        cloudEvent.Time = new DateTimeOffset(2024, 2, 3, 4, 5, 6, TimeSpan.Zero);
        cloudEvent.SetAttributeFromString("region", "eu west");
        return cloudEvent;
    }

    [Theory]
    [InlineData(ContentMode.Binary)]
    [InlineData(ContentMode.Structured)]
    public async Task Parse_SdkEncoding_RoundTripsEveryAttributeAndData(ContentMode mode)
    {
        var sent = Rich();
        var (headers, body) = await AsRequestAsync(sent.ToHttpContent(mode, Formatter));

        var parsed = CloudEventHttpReader.Parse(headers, body);

        Assert.True(parsed.IsValid, parsed.Error);
        var received = Assert.Single(parsed.Events);
        Assert.Equal(sent.Id, received.Id);
        Assert.Equal(sent.Type, received.Type);
        Assert.Equal(sent.Source!.OriginalString, received.Source);
        Assert.Equal(sent.Subject, received["subject"]);
        Assert.Equal("2024-02-03T04:05:06Z", received["time"]);
        Assert.Equal("eu west", received["region"]);
        Assert.StartsWith("application/json", received.DataContentType, StringComparison.Ordinal);
        using var data = JsonDocument.Parse(received.Data!.Value);
        Assert.Equal(12.5, data.RootElement.GetProperty("total").GetDouble());
        Assert.Equal("zürich café", data.RootElement.GetProperty("note").GetString());
    }

    [Fact]
    public async Task Parse_SdkBatch_ReturnsEveryEventInOrder()
    {
        CloudEvent[] sent = [TestEvents.SdkEvent("a"), TestEvents.SdkEvent("b", type: "other"), TestEvents.SdkEvent("c", data: new { x = 1 })];
        var (headers, body) = await AsRequestAsync(sent.ToHttpContent(Formatter));

        var parsed = CloudEventHttpReader.Parse(headers, body);

        Assert.True(parsed.IsValid, parsed.Error);
        Assert.Equal(["a", "b", "c"], parsed.Events.Select(e => e.Id));
        Assert.Equal("other", parsed.Events[1].Type);
    }

    [Fact]
    public async Task Parse_BinaryTextAndBytes_KeepsDataAsSent()
    {
        var text = TestEvents.SdkEvent("t");
        text.DataContentType = "text/plain";
        text.Data = "hello";
        var bytes = TestEvents.SdkEvent("b");
        bytes.DataContentType = "application/octet-stream";
        bytes.Data = new byte[] { 0, 1, 2, 255 };

        var (textHeaders, textBody) = await AsRequestAsync(text.ToHttpContent(ContentMode.Binary, Formatter));
        var (byteHeaders, byteBody) = await AsRequestAsync(bytes.ToHttpContent(ContentMode.Binary, Formatter));

        Assert.Equal("hello"u8.ToArray(), CloudEventHttpReader.Parse(textHeaders, textBody).Events[0].Data!.Value.ToArray());
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, CloudEventHttpReader.Parse(byteHeaders, byteBody).Events[0].Data!.Value.ToArray());
    }

    public static TheoryData<string, string, string?, string> Invalid => new()
    {
        // label, content type, body, expected error part (binary rows put attributes in headers below)
        { "structured without source", "application/cloudevents+json", """{"specversion":"1.0","id":"1","type":"t"}""", "missing the required attribute \"source\"" },
        { "structured without id", "application/cloudevents+json", """{"specversion":"1.0","source":"/s","type":"t"}""", "missing the required attribute \"id\"" },
        { "structured empty type", "application/cloudevents+json", """{"specversion":"1.0","id":"1","source":"/s","type":""}""", "missing the required attribute \"type\"" },
        { "structured numeric id", "application/cloudevents+json", """{"specversion":"1.0","id":1,"source":"/s","type":"t"}""", "\"id\" must be a string" },
        { "structured spec 0.1", "application/cloudevents+json", """{"specversion":"0.1","id":"1","source":"/s","type":"t"}""", "\"specversion\" is \"0.1\"" },
        { "structured not json", "application/cloudevents+json", "{oops", "not valid JSON" },
        { "structured array", "application/cloudevents+json", "[]", "must be a JSON object" },
        { "structured bad time", "application/cloudevents+json", """{"specversion":"1.0","id":"1","source":"/s","type":"t","time":"yesterday"}""", "\"time\" must be an RFC 3339 timestamp" },
        { "structured impossible date", "application/cloudevents+json", """{"specversion":"1.0","id":"1","source":"/s","type":"t","time":"2024-02-30T00:00:00Z"}""", "\"time\" must be an RFC 3339 timestamp" },
        { "structured object attribute", "application/cloudevents+json", """{"specversion":"1.0","id":"1","source":"/s","type":"t","ext":{"a":1}}""", "\"ext\" must be a string" },
        { "structured upper-case name", "application/cloudevents+json", """{"specversion":"1.0","id":"1","source":"/s","type":"t","Ext":"x"}""", "attribute names are lower-case letters and digits" },
        { "structured data and data_base64", "application/cloudevents+json", """{"specversion":"1.0","id":"1","source":"/s","type":"t","data":1,"data_base64":"AA=="}""", "not both" },
        { "structured bad base64", "application/cloudevents+json", """{"specversion":"1.0","id":"1","source":"/s","type":"t","data_base64":"%%%"}""", "\"data_base64\" is not valid base64" },
        { "batch object", "application/cloudevents-batch+json", """{"specversion":"1.0"}""", "must be a JSON array" },
        { "batch empty", "application/cloudevents-batch+json", "[]", "at least one event" },
        { "batch second bad", "application/cloudevents-batch+json", """[{"specversion":"1.0","id":"1","source":"/s","type":"t"},{"specversion":"1.0","id":"2","type":"t"}]""", "event [1]: the CloudEvent is missing the required attribute \"source\"" },
        { "plain json", "application/json", "{}", "not a CloudEvent" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Parse_Invalid_NamesTheProblem(string label, string contentType, string? body, string expected)
    {
        var headers = new HeaderDictionary { ["Content-Type"] = contentType };

        var parsed = CloudEventHttpReader.Parse(headers, Encoding.UTF8.GetBytes(body ?? ""));

        Assert.False(parsed.IsValid, label);
        Assert.Contains(expected, parsed.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ce-id", "id")]
    [InlineData("ce-source", "source")]
    [InlineData("ce-type", "type")]
    public void Parse_BinaryMissingAttribute_NamesIt(string omitted, string attribute)
    {
        var headers = new HeaderDictionary { ["ce-specversion"] = "1.0", ["ce-id"] = "1", ["ce-source"] = "/s", ["ce-type"] = "t" };
        headers.Remove(omitted);

        var parsed = CloudEventHttpReader.Parse(headers, ReadOnlyMemory<byte>.Empty);

        Assert.Equal($"the CloudEvent is missing the required attribute \"{attribute}\"", parsed.Error);
    }

    [Fact]
    public void Parse_BinaryPercentEncodedHeader_Decodes()
    {
        var headers = new HeaderDictionary { ["ce-specversion"] = "1.0", ["ce-id"] = "1", ["ce-source"] = "/s", ["ce-type"] = "t", ["ce-subject"] = "caf%C3%A9 %22x%22" };

        var parsed = CloudEventHttpReader.Parse(headers, ReadOnlyMemory<byte>.Empty);

        Assert.Equal("café \"x\"", parsed.Events[0]["subject"]);
    }

    [Fact]
    public void Parse_BinaryQuotedStringHeader_Unquoted()
    {
        // RFC 7230 quoted-strings, which receivers must still read (binding 3.1.3.2, for senders of older versions).
        var headers = new HeaderDictionary { ["ce-specversion"] = "1.0", ["ce-id"] = "1", ["ce-source"] = "/s", ["ce-type"] = "t", ["ce-subject"] = "\"a \\\"b\\\" 100%25\"" };

        var parsed = CloudEventHttpReader.Parse(headers, ReadOnlyMemory<byte>.Empty);

        Assert.Equal("a \"b\" 100%", parsed.Events[0]["subject"]);
    }

    // Issue #15: "ce-x: %zz" was accepted.
    [Theory]
    [InlineData("%zz")]
    [InlineData("caf%C3")]
    [InlineData("100%")]
    [InlineData("%FF%FE")]
    public void Parse_BinaryInvalidPercentEncoding_Is400NamingTheAttribute(string value)
    {
        var headers = new HeaderDictionary { ["ce-specversion"] = "1.0", ["ce-id"] = "1", ["ce-source"] = "/s", ["ce-type"] = "t", ["ce-x"] = value };

        var parsed = CloudEventHttpReader.Parse(headers, ReadOnlyMemory<byte>.Empty);

        Assert.False(parsed.IsValid, value);
        Assert.Contains("\"x\" is not validly percent-encoded", parsed.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Binary-mode data is the producer's bytes, opaque to a broker (as Knative's relays it): even a body its content
    /// type calls JSON and that is not is passed on as sent, for the consumer to judge.
    /// </summary>
    [Fact]
    public void Parse_BinaryDataNotMatchingItsContentType_KeptAsSent()
    {
        var headers = new HeaderDictionary { ["ce-specversion"] = "1.0", ["ce-id"] = "1", ["ce-source"] = "/s", ["ce-type"] = "t", ["Content-Type"] = "application/json" };

        var parsed = CloudEventHttpReader.Parse(headers, Encoding.UTF8.GetBytes("{nope"));

        Assert.True(parsed.IsValid, parsed.Error);
        Assert.Equal("{nope"u8.ToArray(), parsed.Events[0].Data!.Value.ToArray());
    }
}
