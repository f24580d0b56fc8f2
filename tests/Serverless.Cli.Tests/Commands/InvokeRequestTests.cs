using System.Text;
using Serverless.Cli.App;
using Serverless.Cli.Commands;

namespace Serverless.Cli.Tests.Commands;

public sealed class InvokeRequestTests
{
    [Theory]
    [InlineData("no data, no path", null, null, null, null, "GET", "default/hello/", null)]
    [InlineData("path without slash", "items?id=3", null, null, null, "GET", "default/hello/items?id=3", null)]
    [InlineData("inline JSON", null, null, "{\"a\":1}", null, "POST", "default/hello/", "application/json")]
    [InlineData("inline text", "/x", null, "hello", null, "POST", "default/hello/x", "text/plain; charset=utf-8")]
    [InlineData("looks like JSON but is not", null, null, "{nope", null, "POST", "default/hello/", "text/plain; charset=utf-8")]
    [InlineData("explicit method and type", null, "put", "a=b", "application/x-www-form-urlencoded", "PUT", "default/hello/", "application/x-www-form-urlencoded")]
    public void Build_Options_Request(string label, string? path, string? method, string? data, string? contentType, string expectedMethod, string expectedUri, string? expectedType)
    {
        var request = InvokeRequest.Build("default", "hello", path, method, data is null ? null : Encoding.UTF8.GetBytes(data), null, contentType);

        Assert.True(
            (expectedMethod, expectedUri, expectedType) == (request.Method.Method, request.RelativeUri, request.ContentType),
            $"{label}: got {request.Method} {request.RelativeUri} {request.ContentType}");
    }

    [Theory]
    [InlineData("payload.json", "application/json")]
    [InlineData("image.png", "application/octet-stream")]
    [InlineData("notes.TXT", "text/plain; charset=utf-8")]
    public void Build_DataFromFile_ContentTypeFromExtension(string file, string expected)
    {
        var request = InvokeRequest.Build("default", "hello", null, null, [1, 2], file, null);

        Assert.Equal(expected, request.ContentType);
    }

    [Theory]
    [InlineData("/a b", null, null, "--path")]
    [InlineData("/", "GE T", null, "--method")]
    [InlineData("/", null, "not a type", "--content-type")]
    public void Build_BadOption_CliException(string path, string? method, string? contentType, string expected)
    {
        var ex = Assert.Throws<CliException>(() => InvokeRequest.Build("default", "hello", path, method, [1], null, contentType));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hello", "hello", null)]
    [InlineData("@body.json", null, "body.json")]
    [InlineData(null, null, null)]
    public void ParseData_TextOrFile(string? data, string? text, string? file)
    {
        Assert.Equal((text, file), InvokeRequest.ParseData(data));
    }

    [Fact]
    public void AsCloudEvent_WithData_BinaryModeHeadersAndPost()
    {
        var request = InvokeRequest.Build("default", "hello", "/x", null, Encoding.UTF8.GetBytes("{\"a\":1}"), null, null)
            .AsCloudEvent("id-1", "com.example.created", "/orders");

        Assert.Equal(("POST", "application/json", "x"), (request.Method.Method, request.ContentType, request.FunctionPath));
        Assert.Equal(
            [new("ce-specversion", "1.0"), new("ce-id", "id-1"), new("ce-type", "com.example.created"), new("ce-source", "/orders")],
            request.Headers);
    }

    [Fact]
    public void AsCloudEvent_WithoutData_EmptyBodyNoContentType()
    {
        var request = InvokeRequest.Build("default", "hello", null, null, null, null, null).AsCloudEvent("id", "t", "/s");

        Assert.Equal(("POST", 0, null), (request.Method.Method, request.Body!.Length, request.ContentType));
    }

    [Theory]
    [InlineData("", "/s")]
    [InlineData("t", "")]
    public void AsCloudEvent_EmptyAttribute_Rejected(string type, string source)
    {
        var request = InvokeRequest.Build("default", "hello", null, null, null, null, null);

        Assert.Throws<CliException>(() => request.AsCloudEvent("id", type, source));
    }
}
