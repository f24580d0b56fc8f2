using System.Net;
using System.Text;
using System.Text.Json;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Events;

/// <summary>The broker ingress as the platform's ingress port serves it, next to the function routes.</summary>
public sealed class BrokerIngressTests : IClassFixture<PlatformFixture>
{
    private readonly PlatformFixture _fixture;

    public BrokerIngressTests(PlatformFixture fixture) => _fixture = fixture;

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string path, HttpContent content)
    {
        using var ingress = new HttpClient { BaseAddress = new Uri(_fixture.Platform.IngressUrl), Timeout = TimeSpan.FromSeconds(30) };
        using var response = await ingress.PostAsync(path, content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static StringContent Structured(string json) => new(json, Encoding.UTF8, "application/cloudevents+json");

    private const string Valid = """{"specversion":"1.0","id":"1","source":"/s","type":"t"}""";

    [Fact]
    public async Task Post_DefaultBroker_Is202()
    {
        var (status, _) = await PostAsync("/brokers/default/default", Structured(Valid));

        Assert.Equal(HttpStatusCode.Accepted, status);
    }

    [Fact]
    public async Task Post_UnknownBroker_Is404ProblemJson()
    {
        var (status, body) = await PostAsync("/brokers/default/nope", Structured(Valid));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("no broker \\u0022nope\\u0022", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_MissingType_Is400NamingIt()
    {
        var (status, body) = await PostAsync("/brokers/default/default", Structured("""{"specversion":"1.0","id":"1","source":"/s"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("the CloudEvent is missing the required attribute \"type\"", JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Post_OverOneMebibyte_Is413()
    {
        var json = """{"specversion":"1.0","id":"1","source":"/s","type":"t","data":""" + "\"" + new string('x', 1024 * 1024) + "\"}";

        var (status, _) = await PostAsync("/brokers/default/default", Structured(json));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
    }

    [Fact]
    public async Task Broker_Created_AcceptsEventsAndShowsItsAddress()
    {
        var broker = new Broker { Metadata = new k8s.Models.V1ObjectMeta { Name = "orders" } };
        await EventsApi.CreateAsync(_fixture.Admin, "brokers", broker);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        Broker? stored = null;
        while (DateTime.UtcNow < deadline && stored?.Status?.Address is null)
        {
            stored = ResourceJson.Deserialize<Broker>(await _fixture.Admin.GetStringAsync("/apis/serverless.dev/v1alpha1/namespaces/default/brokers/orders"));
            await Task.Delay(100);
        }

        Assert.Equal($"{_fixture.Platform.IngressUrl}/brokers/default/orders", stored?.Status?.Address);
        var (status, _) = await PostAsync("/brokers/default/orders", Structured(Valid));
        Assert.Equal(HttpStatusCode.Accepted, status);
    }
}
