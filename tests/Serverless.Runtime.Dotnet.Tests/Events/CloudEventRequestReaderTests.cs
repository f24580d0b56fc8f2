using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using Microsoft.AspNetCore.Http;
using Serverless.Eventing.Binding;
using Serverless.Runtime.Dotnet.Events;

namespace Serverless.Runtime.Dotnet.Tests.Events;

public sealed class CloudEventRequestReaderTests
{
    [Theory]
    [InlineData(ContentMode.Binary, "Binary")]
    [InlineData(ContentMode.Structured, "Structured")]
    public async Task Read_SdkEncodedEvent_RoundTripsAttributesAndData(ContentMode contentMode, string expectedMode)
    {
        var sent = SdkEncoding.Sample();
        var (headers, body) = await SdkEncoding.EncodeAsync(sent, contentMode);

        var mode = CloudEventRequestReader.Detect(headers);
        var result = CloudEventRequestReader.Read(mode, headers, body);

        Assert.Equal(Enum.Parse<CloudEventMode>(expectedMode), mode);
        Assert.Null(result.Error);
        var received = result.Event!;
        Assert.Equal(sent.Id, received.Id);
        Assert.Equal(sent.Source, received.Source);
        Assert.Equal(sent.Type, received.Type);
        Assert.Equal(sent.Subject, received.Subject);
        Assert.Equal(sent.Time, received.Time);
        Assert.StartsWith("application/json", received.DataContentType, StringComparison.Ordinal);
        var data = Assert.IsType<JsonElement>(received.Data);
        Assert.Equal("x", data.GetProperty("name").GetString());
        Assert.Equal(1, data.GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task Read_BinaryExtensionAttribute_IsKept()
    {
        var sent = SdkEncoding.Sample();
        sent["traceparent"] = "00-abc-01";
        var (headers, body) = await SdkEncoding.EncodeAsync(sent, ContentMode.Binary);

        var result = CloudEventRequestReader.Read(CloudEventMode.Binary, headers, body);

        Assert.Equal("00-abc-01", result.Event!["traceparent"]);
    }

    [Theory]
    [InlineData("text/plain", typeof(string))]
    [InlineData("application/octet-stream", typeof(byte[]))]
    [InlineData("application/vnd.x+json", typeof(JsonElement))]
    public void Read_BinaryData_DecodedByContentType(string contentType, Type expected)
    {
        var headers = BinaryHeaders();
        headers.ContentType = contentType;

        var result = CloudEventRequestReader.Read(CloudEventMode.Binary, headers, Encoding.UTF8.GetBytes("\"text\""));

        Assert.IsType(expected, result.Event!.Data);
    }

    [Fact]
    public void Read_BinaryEmptyBody_HasNoData()
    {
        var result = CloudEventRequestReader.Read(CloudEventMode.Binary, BinaryHeaders(), ReadOnlyMemory<byte>.Empty);

        Assert.Null(result.Error);
        Assert.Null(result.Event!.Data);
    }

    [Theory]
    [InlineData("ce-source", "The CloudEvent is missing the required attribute \"source\"")]
    [InlineData("ce-id", "The CloudEvent is missing the required attribute \"id\"")]
    [InlineData("ce-type", "The CloudEvent is missing the required attribute \"type\"")]
    public void Read_BinaryMissingAttribute_ErrorNamesIt(string header, string expected)
    {
        var headers = BinaryHeaders();
        headers.Remove(header);

        var result = CloudEventRequestReader.Read(CloudEventMode.Binary, headers, ReadOnlyMemory<byte>.Empty);

        Assert.Null(result.Event);
        Assert.Equal(expected, result.Error);
    }

    [Fact]
    public void Read_BinaryOtherSpecVersion_Rejected()
    {
        var headers = BinaryHeaders();
        headers["ce-specversion"] = "0.3";

        var result = CloudEventRequestReader.Read(CloudEventMode.Binary, headers, ReadOnlyMemory<byte>.Empty);

        Assert.Equal("The CloudEvent specversion \"0.3\" is not supported; this runtime accepts \"1.0\"", result.Error);
    }

    [Fact]
    public void Read_BinaryJsonDataNotJson_Rejected()
    {
        var headers = BinaryHeaders();
        headers.ContentType = "application/json";

        var result = CloudEventRequestReader.Read(CloudEventMode.Binary, headers, Encoding.UTF8.GetBytes("{nope"));

        Assert.StartsWith("The CloudEvent data is declared as application/json but is not valid JSON", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"specversion":"1.0","id":"1","type":"t"}""", "The CloudEvent is missing the required attribute \"source\"")]
    [InlineData("""{"specversion":"1.0","id":"","source":"/s","type":"t"}""", "The CloudEvent is missing the required attribute \"id\"")]
    [InlineData("""{"specversion":"1.0","id":1,"source":"/s","type":"t"}""", "The CloudEvent attribute \"id\" must be a string")]
    [InlineData("""[1]""", "The structured CloudEvent must be a JSON object")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"/s","type":"t","data_base64":5}""", "The CloudEvent attribute \"data_base64\" must be a string")]
    public void Read_StructuredInvalid_ErrorNamesProblem(string json, string expected)
    {
        var result = CloudEventRequestReader.Read(CloudEventMode.Structured, new HeaderDictionary(), Encoding.UTF8.GetBytes(json));

        Assert.Equal(expected, result.Error);
    }

    [Fact]
    public void Read_StructuredNotJson_Rejected()
    {
        var result = CloudEventRequestReader.Read(CloudEventMode.Structured, new HeaderDictionary(), Encoding.UTF8.GetBytes("{"));

        Assert.StartsWith("The structured CloudEvent is not valid JSON", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_StructuredDataBase64_DecodedToBytes()
    {
        var json = """{"specversion":"1.0","id":"1","source":"/s","type":"t","data_base64":"AQID"}""";

        var result = CloudEventRequestReader.Read(CloudEventMode.Structured, new HeaderDictionary(), Encoding.UTF8.GetBytes(json));

        Assert.Equal(new byte[] { 1, 2, 3 }, result.Event!.Data);
    }

    [Theory]
    [InlineData("ce-specversion", "1.0", "Binary")]
    [InlineData("Content-Type", "application/cloudevents+json; charset=utf-8", "Structured")]
    [InlineData("Content-Type", "application/cloudevents-batch+json", "None")]
    [InlineData("Content-Type", "application/json", "None")]
    public void Detect_Headers_Mode(string name, string value, string expected)
    {
        var headers = new HeaderDictionary { [name] = value };

        Assert.Equal(Enum.Parse<CloudEventMode>(expected), CloudEventRequestReader.Detect(headers));
    }

    private static IHeaderDictionary BinaryHeaders() => new HeaderDictionary
    {
        ["ce-specversion"] = "1.0",
        ["ce-id"] = "1",
        ["ce-source"] = "/s",
        ["ce-type"] = "t",
    };
}
