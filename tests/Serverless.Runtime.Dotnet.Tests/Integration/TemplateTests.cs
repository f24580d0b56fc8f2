using System.Net;
using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using Serverless.Runtime.Dotnet.Tests.Support;

namespace Serverless.Runtime.Dotnet.Tests.Integration;

/// <summary>The C# templates of <c>func create</c> build and serve in the runtime.</summary>
public sealed class TemplateTests(TemplatesFixture templates) : IClassFixture<TemplatesFixture>
{
    [Theory]
    [InlineData("http")]
    [InlineData("cloudevents")]
    public void FuncYaml_Template_NameIsTheQuotedPlaceholder(string template)
    {
        var lines = File.ReadAllLines(Path.Combine(TemplatesFixture.TemplatesDirectory, template, "func.yaml"));

        Assert.Equal("name: \"{{name}}\"", lines[0]);
        Assert.Contains("runtime: dotnet", lines);
        Assert.Equal("my-" + template, templates.Name(template));
    }

    [Fact]
    public async Task HttpTemplate_GetAndPost_GreetsAndEchoesJson()
    {
        await using var runtime = await RuntimeProcess.StartReadyAsync(templates.Handler("http"), templates.FunctionPath("http"));

        var greeting = await runtime.Client.GetStringAsync("?name=Ada");
        using var posted = await runtime.Client.PostAsync("", new StringContent("""{"a":1}""", Encoding.UTF8, "application/json"));
        using var notJson = await runtime.Client.PostAsync("", new StringContent("nope", Encoding.UTF8, "text/plain"));

        Assert.Equal("Hello, Ada!", greeting);
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(await posted.Content.ReadAsStringAsync()).RootElement.GetProperty("received").GetProperty("a").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
    }

    [Fact]
    public async Task CloudEventsTemplate_Event_RepliesWithProcessedEvent()
    {
        await using var runtime = await RuntimeProcess.StartReadyAsync(templates.Handler("cloudevents"), templates.FunctionPath("cloudevents"));

        await AssertCloudEventsTemplateAsync(runtime);
    }

    /// <summary>The cloudevents template's behaviour, JIT-compiled here and native in NativeFunctionTests.</summary>
    internal static async Task AssertCloudEventsTemplateAsync(Serverless.TestSupport.RuntimeInstance runtime)
    {
        var sent = new CloudEvent
        {
            Id = "evt-1",
            Source = new Uri("urn:test"),
            Type = "com.example.order",
            DataContentType = "application/json",
            Data = JsonDocument.Parse("""{"qty":2}""").RootElement,
        };

        using var response = await runtime.Client.PostAsync("", sent.ToHttpContent(ContentMode.Binary, new JsonEventFormatter()));
        var reply = await response.ToCloudEventAsync(new JsonEventFormatter());
        using var plain = await runtime.Client.GetAsync("");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("com.example.order.processed", reply.Type);
        Assert.False(string.IsNullOrEmpty(reply.Id));
        var data = Assert.IsType<JsonElement>(reply.Data);
        Assert.Equal("evt-1", data.GetProperty("original").GetString());
        Assert.Equal(2, data.GetProperty("data").GetProperty("qty").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
    }
}
