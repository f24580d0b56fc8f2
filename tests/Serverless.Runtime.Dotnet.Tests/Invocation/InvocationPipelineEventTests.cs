using System.Text;
using Microsoft.AspNetCore.Http;
using Serverless.Runtime.Dotnet.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Invocation;

/// <summary>The event step of the pipeline: every event request is validated before the handler runs.</summary>
public sealed class InvocationPipelineEventTests
{
    [Fact]
    public async Task InvokeAsync_BinaryEventMissingSource_Answers400WithoutCallingHandler()
    {
        var called = false;
        var test = new TestPipeline(_ =>
        {
            called = true;
            return Task.CompletedTask;
        });
        var context = EventContext("{}");
        context.Request.Headers.Remove("ce-source");

        await test.Pipeline.InvokeAsync(context);

        Assert.False(called);
        Assert.Equal(400, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Equal("The CloudEvent is missing the required attribute \"source\"", TestPipeline.ResponseJson(context).GetProperty("detail").GetString());
        var samples = await test.ScrapeAsync();
        Assert.Equal(1, samples.Value("serverless_runtime_requests_total", ("code", "400")));
    }

    [Fact]
    public async Task InvokeAsync_ValidBinaryEvent_HandlerStillReadsTheBody()
    {
        string? seen = null;
        var test = new TestPipeline(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            seen = await reader.ReadToEndAsync();
        });
        var context = EventContext("""{"n":1}""");

        await test.Pipeline.InvokeAsync(context);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal("""{"n":1}""", seen);
    }

    private static DefaultHttpContext EventContext(string body)
    {
        var context = TestPipeline.NewContext("POST");
        context.Request.Headers["ce-specversion"] = "1.0";
        context.Request.Headers["ce-id"] = "1";
        context.Request.Headers["ce-source"] = "/s";
        context.Request.Headers["ce-type"] = "t";
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return context;
    }
}
