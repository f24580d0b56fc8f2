using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Serverless.Hosting.Web.Problems;

namespace Serverless.Hosting.Tests.Web;

public sealed class ProblemDetailsWriterTests
{
    [Fact]
    public async Task WriteAsync_Problem_WritesStatusTypeLengthAndBody()
    {
        var context = NewContext();

        await ProblemDetailsWriter.WriteAsync(context, StatusCodes.Status404NotFound, "Function not found", "no function \"hello\" in namespace \"default\"");

        var body = Body(context);
        Assert.Equal(404, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Equal("""{"title":"Function not found","status":404,"detail":"no function \u0022hello\u0022 in namespace \u0022default\u0022"}""", body);
        Assert.Equal(Encoding.UTF8.GetByteCount(body), context.Response.ContentLength);
        Assert.False(context.Response.Headers.ContainsKey("Retry-After"));
    }

    [Theory]
    [InlineData("plain", "Bad Request", "the CloudEvent is missing the required attribute \"id\"")]
    [InlineData("non-ASCII and markup", "Service Unavailable", "zürich <café> & 'quotes' \\ \t\n\u0001")]
    [InlineData("empty", "", "")]
    public async Task WriteAsync_AnyText_SameBytesAsAUtf8JsonWriter(string label, string title, string detail)
    {
        // What the broker's and the runtime's writers produced before: a Utf8JsonWriter with default options.
        using var expected = new MemoryStream();
        using (var json = new Utf8JsonWriter(expected))
        {
            json.WriteStartObject();
            json.WriteString("title", title);
            json.WriteNumber("status", 503);
            json.WriteString("detail", detail);
            json.WriteEndObject();
        }

        var context = NewContext();
        await ProblemDetailsWriter.WriteAsync(context.Response, 503, title, detail, retryAfter: null, CancellationToken.None);

        Assert.True(expected.ToArray().SequenceEqual(((MemoryStream)context.Response.Body).ToArray()), label);
    }

    [Theory]
    [InlineData(0, "1")]
    [InlineData(200, "1")]
    [InlineData(1000, "1")]
    [InlineData(1500, "2")]
    [InlineData(30_000, "30")]
    public async Task WriteAsync_RetryAfter_WholeSecondsRoundedUpAtLeastOne(int milliseconds, string expected)
    {
        var context = NewContext();

        await ProblemDetailsWriter.WriteAsync(context, 503, "Queue full", "full", TimeSpan.FromMilliseconds(milliseconds));

        Assert.Equal(expected, context.Response.Headers.RetryAfter.ToString());
    }

    private static DefaultHttpContext NewContext()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static string Body(DefaultHttpContext context) => Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
}
