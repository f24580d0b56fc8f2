using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.AspNetCore.Http;
using Serverless.Runtime.Dotnet.Events;

namespace Serverless.Runtime.Dotnet.Tests.Events;

public sealed class CloudEventResponseWriterTests
{
    [Fact]
    public async Task WriteBinary_Event_SdkDecodesSameEvent()
    {
        var sent = SdkEncoding.Sample();
        sent["traceparent"] = "00-abc-01";

        var (context, decoded) = await WriteAndDecodeAsync(sent);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("1.0", context.Response.Headers["ce-specversion"]);
        Assert.Equal(sent.Id, decoded.Id);
        Assert.Equal(sent.Source, decoded.Source);
        Assert.Equal(sent.Type, decoded.Type);
        Assert.Equal(sent.Subject, decoded.Subject);
        Assert.Equal(sent.Time, decoded.Time);
        Assert.Equal("00-abc-01", decoded["traceparent"]);
        var data = Assert.IsType<JsonElement>(decoded.Data);
        Assert.Equal("x", data.GetProperty("name").GetString());
    }

    [Fact]
    public async Task WriteBinary_NonAsciiAttribute_PercentEncodedInHeader()
    {
        var sent = SdkEncoding.Sample();

        var (context, _) = await WriteAndDecodeAsync(sent);

        Assert.Equal("h%C3%A9llo%20%22quoted%22%20100%25", context.Response.Headers["ce-subject"]);
    }

    [Theory]
    [InlineData("text", "text/plain; charset=utf-8")]
    [InlineData(null, null)]
    public async Task WriteBinary_DataWithoutContentType_DefaultsByKind(string? text, string? expectedType)
    {
        var sent = new CloudEvent { Id = "1", Source = new Uri("/s", UriKind.Relative), Type = "t", Data = text };

        var (context, _) = await WriteAndDecodeAsync(sent);

        Assert.Equal(expectedType, context.Response.ContentType);
    }

    [Fact]
    public async Task WriteBinary_BytesData_SentAsTheyAre()
    {
        var sent = new CloudEvent { Id = "1", Source = new Uri("/s", UriKind.Relative), Type = "t", Data = new byte[] { 0, 1, 255 } };

        var (context, _) = await WriteAndDecodeAsync(sent);

        Assert.Equal("application/octet-stream", context.Response.ContentType);
        Assert.Equal(new byte[] { 0, 1, 255 }, ((MemoryStream)context.Response.Body).ToArray());
    }

    [Fact]
    public async Task WriteBinary_MissingId_Generated()
    {
        var sent = new CloudEvent { Source = new Uri("/s", UriKind.Relative), Type = "t" };

        var (_, decoded) = await WriteAndDecodeAsync(sent);

        Assert.True(Guid.TryParse(decoded.Id, out _));
    }

    [Fact]
    public async Task WriteBinary_MissingType_ThrowsNamingIt()
    {
        var sent = new CloudEvent { Id = "1", Source = new Uri("/s", UriKind.Relative) };
        var context = new DefaultHttpContext();

        var ex = await Assert.ThrowsAsync<ReturnedEventException>(() => CloudEventResponseWriter.WriteBinaryAsync(context.Response, sent, CancellationToken.None));

        Assert.Equal("the returned CloudEvent is missing the required attribute \"type\"", ex.Message);
    }

    private static async Task<(DefaultHttpContext Context, CloudEvent Decoded)> WriteAndDecodeAsync(CloudEvent sent)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        await CloudEventResponseWriter.WriteBinaryAsync(context.Response, sent, CancellationToken.None);

        using var message = new HttpResponseMessage((System.Net.HttpStatusCode)context.Response.StatusCode)
        {
            Content = new ByteArrayContent(((MemoryStream)context.Response.Body).ToArray()),
        };
        foreach (var (name, values) in context.Response.Headers)
        {
            if (string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(values.ToString());
            }
            else if (!string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        var decoded = await message.ToCloudEventAsync(new JsonEventFormatter());
        return (context, decoded);
    }
}
