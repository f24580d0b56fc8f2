using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Serverless.Eventing.Binding;

namespace Serverless.Eventing.Tests.Binding;

public sealed class HttpBindingReaderTests
{
    public static TheoryData<string, string?, bool, bool, string> Modes => new()
    {
        // label, Content-Type, ce-specversion header, accept batch, expected mode
        { "structured wins over ce- headers", "application/cloudevents+json; charset=utf-8", true, false, "Structured" },
        { "media type is case-insensitive", "Application/CloudEvents+JSON", false, true, "Structured" },
        { "batch for a batch reader", "application/cloudevents-batch+json", false, true, "Batch" },
        { "batch wins over ce- headers", "application/cloudevents-batch+json", true, true, "Batch" },
        { "batch type, no batch reader, no ce-", "application/cloudevents-batch+json", false, false, "None" },
        { "batch type, no batch reader, ce-", "application/cloudevents-batch+json", true, false, "Binary" },
        { "binary", "application/json", true, true, "Binary" },
        { "binary without Content-Type", null, true, false, "Binary" },
        { "plain request", "application/json", false, true, "None" },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public void Detect_Headers_Mode(string label, string? contentType, bool specVersionHeader, bool acceptBatch, string expected)
    {
        IHeaderDictionary headers = new HeaderDictionary();
        if (contentType is not null)
        {
            headers.ContentType = contentType;
        }

        if (specVersionHeader)
        {
            headers["ce-specversion"] = "1.0";
        }

        Assert.True(Enum.Parse<CloudEventMode>(expected) == HttpBindingReader.Detect(headers, acceptBatch), label);
    }

    public static TheoryData<string, string?, string, string> BinaryData => new()
    {
        // label, Content-Type, decoding, expected type of Data for the body "text" in quotes
        { "no type, SDK: JSON", null, "Formatter", "JsonElement" },
        { "no type, runtimes: bytes", null, "MediaType", "Byte[]" },
        { "json, SDK", "application/json", "Formatter", "JsonElement" },
        { "json, runtimes", "application/json; charset=utf-8", "MediaType", "JsonElement" },
        { "+json, SDK: bytes", "application/vnd.x+json", "Formatter", "Byte[]" },
        { "+json, runtimes: JSON", "application/vnd.x+json", "MediaType", "JsonElement" },
        { "text/json, SDK: text", "text/json", "Formatter", "String" },
        { "text/json, runtimes: JSON", "text/json", "MediaType", "JsonElement" },
        { "text, SDK", "text/plain", "Formatter", "String" },
        { "text, runtimes", "text/plain", "MediaType", "String" },
        { "bytes, SDK", "application/octet-stream", "Formatter", "Byte[]" },
        { "bytes, runtimes", "application/octet-stream", "MediaType", "Byte[]" },
    };

    [Theory]
    [MemberData(nameof(BinaryData))]
    public void Read_BinaryData_DecodedByTheCallersRules(string label, string? contentType, string decoding, string expected)
    {
        IHeaderDictionary headers = BinaryHeaders();
        if (contentType is not null)
        {
            headers.ContentType = contentType;
        }

        var read = HttpBindingReader.Read(CloudEventMode.Binary, headers, Encoding.UTF8.GetBytes("\"text\""), Enum.Parse<BinaryDataDecoding>(decoding));

        Assert.True(read.Error is null, label);
        Assert.True(expected == Assert.Single(read.Events).Data?.GetType().Name, label);
    }

    [Theory]
    [InlineData("Formatter")]
    [InlineData("MediaType")]
    public void Read_BinaryJsonDataNotJson_InvalidDataNamingTheType(string decoding)
    {
        IHeaderDictionary headers = BinaryHeaders();
        headers.ContentType = "application/json; charset=utf-8";

        var read = HttpBindingReader.Read(CloudEventMode.Binary, headers, Encoding.UTF8.GetBytes("{nope"), Enum.Parse<BinaryDataDecoding>(decoding));

        Assert.Equal((BindingErrorKind.InvalidData, "application/json"), (read.Error!.Kind, read.Error.MediaType));
    }

    public static TheoryData<string, string, string, string, string?> BinaryErrors => new()
    {
        // label, header, value, expected kind, expected attribute
        { "missing source", "ce-source", "", "MissingAttribute", "source" },
        { "spec 0.3", "ce-specversion", "0.3", "UnsupportedSpecVersion", "specversion" },
        { "bad time", "ce-time", "yesterday", "InvalidAttribute", "time" },
        { "bad extension name", "ce-bad_name", "x", "InvalidAttribute", "bad_name" },
        { "bad Content-Type", "Content-Type", "not a media type", "InvalidAttribute", "datacontenttype" },
    };

    [Theory]
    [MemberData(nameof(BinaryErrors))]
    public void Read_BinaryInvalid_NamesTheAttribute(string label, string header, string value, string kind, string? attribute)
    {
        IHeaderDictionary headers = BinaryHeaders();
        headers[header] = value;

        var read = HttpBindingReader.Read(CloudEventMode.Binary, headers, ReadOnlyMemory<byte>.Empty, BinaryDataDecoding.Formatter);

        Assert.Empty(read.Events);
        Assert.True((Enum.Parse<BindingErrorKind>(kind), attribute) == (read.Error?.Kind, read.Error?.Attribute), label);
    }

    [Fact]
    public void Read_BinaryPercentEncodedAndMixedCaseHeaders_DecodedAndLowerCased()
    {
        IHeaderDictionary headers = BinaryHeaders();
        headers["CE-Subject"] = "caf%C3%A9 %22x%22";
        headers["Ce-Region"] = "eu%20west";

        var cloudEvent = Assert.Single(HttpBindingReader.Read(CloudEventMode.Binary, headers, ReadOnlyMemory<byte>.Empty, BinaryDataDecoding.MediaType).Events);

        Assert.Equal("café \"x\"", cloudEvent.Subject);
        Assert.Equal("eu west", cloudEvent["region"]);
    }

    public static TheoryData<string, string, string, string?, int?> StructuredErrors => new()
    {
        // label, body, expected kind, expected attribute, expected batch index
        { "not JSON", "{oops", "NotJson", null, null },
        { "array", "[]", "NotAnObject", null, null },
        { "null id", """{"specversion":"1.0","id":null,"source":"/s","type":"t"}""", "MissingAttribute", "id", null },
        { "numeric type", """{"specversion":"1.0","id":"1","source":"/s","type":7}""", "NotAString", "type", null },
        { "spec 0.3", """{"specversion":"0.3","id":"1","source":"/s","type":"t"}""", "UnsupportedSpecVersion", "specversion", null },
        { "data_base64 number", """{"specversion":"1.0","id":"1","source":"/s","type":"t","data_base64":5}""", "NotAString", "data_base64", null },
        { "bad time", """{"specversion":"1.0","id":"1","source":"/s","type":"t","time":"yesterday"}""", "Invalid", null, null },
    };

    [Theory]
    [MemberData(nameof(StructuredErrors))]
    public void Read_StructuredInvalid_Names(string label, string body, string kind, string? attribute, int? index)
    {
        var read = HttpBindingReader.Read(CloudEventMode.Structured, new HeaderDictionary(), Encoding.UTF8.GetBytes(body), BinaryDataDecoding.MediaType);

        Assert.True((Enum.Parse<BindingErrorKind>(kind), attribute, index) == (read.Error?.Kind, read.Error?.Attribute, read.Error?.Index), label);
    }

    [Theory]
    [InlineData("""{"specversion":"1.0"}""", "NotAnArray", null)]
    [InlineData("[]", "EmptyBatch", null)]
    [InlineData("""[{"specversion":"1.0","id":"1","source":"/s","type":"t"},7]""", "NotAnObject", 1)]
    public void Read_BatchInvalid_NamesTheEvent(string body, string kind, int? index)
    {
        var read = HttpBindingReader.Read(CloudEventMode.Batch, new HeaderDictionary(), Encoding.UTF8.GetBytes(body), BinaryDataDecoding.Formatter);

        Assert.Equal((Enum.Parse<BindingErrorKind>(kind), index), (read.Error?.Kind, read.Error?.Index));
    }

    [Fact]
    public void Read_StructuredWithData_JsonDataKept()
    {
        var body = """{"specversion":"1.0","id":"1","source":"/s","type":"t","datacontenttype":"application/json","data":{"n":1}}""";

        var cloudEvent = Assert.Single(HttpBindingReader.Read(CloudEventMode.Structured, new HeaderDictionary(), Encoding.UTF8.GetBytes(body), BinaryDataDecoding.MediaType).Events);

        Assert.Equal(1, Assert.IsType<JsonElement>(cloudEvent.Data).GetProperty("n").GetInt32());
    }

    [Fact]
    public void Read_None_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HttpBindingReader.Read(CloudEventMode.None, new HeaderDictionary(), ReadOnlyMemory<byte>.Empty, BinaryDataDecoding.Formatter));
    }

    private static HeaderDictionary BinaryHeaders() => new()
    {
        ["ce-specversion"] = "1.0",
        ["ce-id"] = "1",
        ["ce-source"] = "/s",
        ["ce-type"] = "t",
    };
}
