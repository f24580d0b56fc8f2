using System.Net;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using Serverless.Runtime.Dotnet.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Integration;

/// <summary>Handlers taking and returning <see cref="CloudEvent"/> (DotnetTest.EventHandlers), in a real runtime.</summary>
public sealed class RuntimeCloudEventTests
{
    private static Task<RuntimeInstance> StartAsync(string method) =>
        RuntimeProcess.StartReadyAsync($"{RuntimeProcess.TestFunctionAssembly}::DotnetTest.EventHandlers::{method}", RuntimeProcess.TestFunctionPath);

    [Theory]
    [InlineData(ContentMode.Binary)]
    [InlineData(ContentMode.Structured)]
    public async Task Invoke_EventParameterAndReturn_ReplyInBinaryMode(ContentMode mode)
    {
        await using var runtime = await StartAsync("Reply");
        var sent = new CloudEvent
        {
            Id = "evt-7",
            Source = new Uri("urn:test"),
            Type = "com.example.sent",
            Subject = "ünïcode",
            DataContentType = "text/plain",
            Data = "payload",
        };

        using var response = await runtime.Client.PostAsync("", sent.ToHttpContent(mode, new JsonEventFormatter()));
        var reply = await response.ToCloudEventAsync(new JsonEventFormatter());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("reply-evt-7", reply.Id);
        Assert.Equal("com.example.reply", reply.Type);
        Assert.Equal("ünïcode", reply.Subject);
        var data = Assert.IsType<JsonElement>(reply.Data);
        Assert.Equal("com.example.sent", data.GetProperty("receivedType").GetString());
        Assert.Equal("urn:test", data.GetProperty("receivedSource").GetString());
        Assert.Equal("payload", data.GetProperty("receivedData").GetString());
    }

    [Fact]
    public async Task Invoke_RequiredEventParameterPlainRequest_Returns400()
    {
        await using var runtime = await StartAsync("Reply");

        using var response = await runtime.Client.PostAsync("", new StringContent("{}", Encoding.UTF8, "application/json"));
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("The function expects a CloudEvent", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_NullableEventParameterPlainRequestReturnsNull_Returns204()
    {
        await using var runtime = await StartAsync("Swallow");

        using var response = await runtime.Client.GetAsync("");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task Invoke_ReturnedEventWithoutType_Returns500NamingIt()
    {
        await using var runtime = await StartAsync("Invalid");

        using var response = await runtime.Client.GetAsync("");
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(
            "System.InvalidOperationException: the returned CloudEvent is missing the required attribute \"type\"",
            problem.GetProperty("detail").GetString());
    }
}
