using System.Text;
using System.Text.Json;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.Http;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Core.Api;
using Serverless.Eventing.Ingress;
using Serverless.Eventing.Tests.Delivery;
using Serverless.Eventing.Tests.Fakes;

namespace Serverless.Eventing.Tests.Ingress;

public sealed class BrokerIngressHandlerTests : IDisposable
{
    private readonly DispatcherHarness _h = new(new BrokerOptions { MaxEventSize = 2048 });
    private readonly BrokerIngressHandler _handler;

    public BrokerIngressHandlerTests()
    {
        _h.Routes.Add("t", new TriggerSpec(), new Uri("http://subscriber.test/"), FakeRoutes.Delivery());
        _handler = new BrokerIngressHandler(_h.Ingestor, _h.Routes, _h.Options, _h.Metrics, NullLogger<BrokerIngressHandler>.Instance);
    }

    private async Task<(int Status, string? Detail)> PostAsync(string path, HttpContent content, string method = "POST")
    {
        var (headers, body) = await CloudEventHttpReaderTests.AsRequestAsync(content);
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        context.Request.Body = new MemoryStream(body);
        context.Response.Body = new MemoryStream();
        await _handler.HandleAsync(context);
        context.Response.Body.Position = 0;
        var text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        var detail = text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString();
        return (context.Response.StatusCode, detail);
    }

    private static HttpContent Binary(CloudEvent e) => e.ToHttpContent(ContentMode.Binary, new JsonEventFormatter());

    [Fact]
    public async Task Post_BinaryEvent_Is202AndStored()
    {
        var (status, _) = await PostAsync("/brokers/default/default", Binary(TestEvents.SdkEvent("e1", data: new { a = 1 })));

        Assert.Equal(202, status);
        Assert.Equal(1, (await _h.Store.CountAsync()).Subscriber);
    }

    [Fact]
    public async Task Post_Batch_StoresEveryEvent()
    {
        var (status, _) = await PostAsync("/brokers/default/default/", new[] { TestEvents.SdkEvent("a"), TestEvents.SdkEvent("b") }.ToHttpContent(new JsonEventFormatter()));

        Assert.Equal(202, status);
        Assert.Equal(2, (await _h.Store.CountAsync()).Events);
    }

    [Fact]
    public async Task Post_BatchWithOneInvalid_Is400AndStoresNone()
    {
        var body = """[{"specversion":"1.0","id":"1","source":"/s","type":"t"},{"specversion":"1.0","id":"2","source":"/s"}]""";
        var content = new StringContent(body, Encoding.UTF8, "application/cloudevents-batch+json");

        var (status, detail) = await PostAsync("/brokers/default/default", content);

        Assert.Equal(400, status);
        Assert.Contains("event [1]: the CloudEvent is missing the required attribute \"type\"", detail, StringComparison.Ordinal);
        Assert.Equal(0, (await _h.Store.CountAsync()).Events);
    }

    [Fact]
    public async Task Post_MissingSource_Is400NamingIt()
    {
        var content = new StringContent("""{"specversion":"1.0","id":"1","type":"t"}""", Encoding.UTF8, "application/cloudevents+json");

        var (status, detail) = await PostAsync("/brokers/default/default", content);

        Assert.Equal(400, status);
        Assert.Equal("the CloudEvent is missing the required attribute \"source\"", detail);
    }

    [Theory]
    [InlineData("/brokers/default/orders")]
    [InlineData("/brokers/other/orders")]
    [InlineData("/brokers/default/Bad_Name")]
    public async Task Post_UnknownBroker_Is404(string path)
    {
        var (status, detail) = await PostAsync(path, Binary(TestEvents.SdkEvent("e1")));

        Assert.Equal(404, status);
        Assert.Contains("no broker", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_DefaultBrokerOfAnyNamespace_Exists()
    {
        var (status, _) = await PostAsync("/brokers/team-a/default", Binary(TestEvents.SdkEvent("e1")));

        Assert.Equal(202, status);
    }

    [Fact]
    public async Task Post_DeclaredBroker_Is202()
    {
        _h.Routes.Brokers.Add("default/orders");

        var (status, _) = await PostAsync("/brokers/default/orders", Binary(TestEvents.SdkEvent("e1")));

        Assert.Equal(202, status);
    }

    [Fact]
    public async Task Post_OverSizeLimit_Is413()
    {
        var (status, detail) = await PostAsync("/brokers/default/default", Binary(TestEvents.SdkEvent("e1", data: new { pad = new string('x', 4096) })));

        Assert.Equal(413, status);
        Assert.Contains("max-event-size (2048 bytes)", detail, StringComparison.Ordinal);
        Assert.Equal(1, _h.Metrics.EventsRejected.WithLabels("too_large").Value);
    }

    [Theory]
    [InlineData("/brokers")]
    [InlineData("/brokers/default")]
    [InlineData("/brokers/default/default/extra")]
    public async Task Post_MalformedPath_Is404(string path)
    {
        var (status, _) = await PostAsync(path, Binary(TestEvents.SdkEvent("e1")));

        Assert.Equal(404, status);
    }

    [Fact]
    public async Task Get_Is405()
    {
        var (status, _) = await PostAsync("/brokers/default/default", Binary(TestEvents.SdkEvent("e1")), "GET");

        Assert.Equal(405, status);
    }

    [Theory]
    [InlineData("/brokers/default/default", true)]
    [InlineData("/brokers", true)]
    [InlineData("/brokersx/a", false)]
    [InlineData("/default/hello/brokers", false)]
    [InlineData("/", false)]
    public void Handles_Path_OnlyBrokerPrefix(string path, bool expected)
    {
        Assert.Equal(expected, BrokerIngressHandler.Handles(new PathString(path)));
    }

    public void Dispose() => _h.Dispose();
}
