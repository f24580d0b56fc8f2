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
        var cloudEvent = TestEvents.Event("order-1", type: "dev.example.order.created", source: "https://shop.example/orders", data: new { total = 12.5, note = "zürich café" });
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
        Assert.Equal(sent.Source, received.Source);
        Assert.Equal(sent.Subject, received.Subject);
        Assert.Equal(sent.Time, received.Time);
        Assert.Equal("eu west", received["region"]);
        Assert.StartsWith("application/json", received.DataContentType, StringComparison.Ordinal);
        var data = Assert.IsType<JsonElement>(received.Data);
        Assert.Equal(12.5, data.GetProperty("total").GetDouble());
        Assert.Equal("zürich café", data.GetProperty("note").GetString());
    }

    [Fact]
    public async Task Parse_SdkBatch_ReturnsEveryEventInOrder()
    {
        CloudEvent[] sent = [TestEvents.Event("a"), TestEvents.Event("b", type: "other"), TestEvents.Event("c", data: new { x = 1 })];
        var (headers, body) = await AsRequestAsync(sent.ToHttpContent(Formatter));

        var parsed = CloudEventHttpReader.Parse(headers, body);

        Assert.True(parsed.IsValid, parsed.Error);
        Assert.Equal(["a", "b", "c"], parsed.Events.Select(e => e.Id));
        Assert.Equal("other", parsed.Events[1].Type);
    }

    [Fact]
    public async Task Parse_BinaryTextAndBytes_KeepsDataAsSent()
    {
        var text = TestEvents.Event("t");
        text.DataContentType = "text/plain";
        text.Data = "hello";
        var bytes = TestEvents.Event("b");
        bytes.DataContentType = "application/octet-stream";
        bytes.Data = new byte[] { 0, 1, 2, 255 };

        var (textHeaders, textBody) = await AsRequestAsync(text.ToHttpContent(ContentMode.Binary, Formatter));
        var (byteHeaders, byteBody) = await AsRequestAsync(bytes.ToHttpContent(ContentMode.Binary, Formatter));

        Assert.Equal("hello", CloudEventHttpReader.Parse(textHeaders, textBody).Events[0].Data);
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, CloudEventHttpReader.Parse(byteHeaders, byteBody).Events[0].Data);
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
        { "structured bad time", "application/cloudevents+json", """{"specversion":"1.0","id":"1","source":"/s","type":"t","time":"yesterday"}""", "invalid CloudEvent" },
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

        Assert.Equal("café \"x\"", parsed.Events[0].Subject);
    }

    [Fact]
    public void Parse_BinaryInvalidJsonData_Is400()
    {
        var headers = new HeaderDictionary { ["ce-specversion"] = "1.0", ["ce-id"] = "1", ["ce-source"] = "/s", ["ce-type"] = "t", ["Content-Type"] = "application/json" };

        var parsed = CloudEventHttpReader.Parse(headers, Encoding.UTF8.GetBytes("{nope"));

        Assert.False(parsed.IsValid);
        Assert.StartsWith("invalid CloudEvent", parsed.Error, StringComparison.Ordinal);
    }
}
