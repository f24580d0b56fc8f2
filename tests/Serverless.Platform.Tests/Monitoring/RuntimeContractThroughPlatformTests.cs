using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Monitoring;

/// <summary>
/// Issue #16 through the real platform (activator, supervisor, C# runtime): the platform's paths reach the function,
/// Host and Forwarded arrive as Knative says, and /sd/prometheus lists each instance's private metrics address.
/// </summary>
public sealed class RuntimeContractThroughPlatformTests(PlatformFixture fixture) : IClassFixture<PlatformFixture>
{
    private const string Functions = "/apis/serverless.dev/v1alpha1/namespaces/default/functions";
    private static readonly TimeSpan ReadyBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SdPrometheus_WithoutToken_Is401()
    {
        using var anonymous = fixture.Platform.CreateAnonymousAdminClient(TimeSpan.FromSeconds(10));

        using var response = await anonymous.GetAsync("sd/prometheus");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ReadyFunction_ContractHoldsAndItsMetricsAreDiscoverable()
    {
        await DeployAsync("contract-echo");
        using var ingress = new HttpClient { BaseAddress = new Uri(fixture.Platform.IngressUrl), Timeout = ReadyBound };

        // The platform takes no path: /healthz through the ingress is the function's, not a probe.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.Host = "contract-echo.default.localhost";
        request.Headers.TryAddWithoutValidation("Forwarded", "for=203.0.113.9;host=evil.example");
        using var response = await ingress.SendAsync(request);
        var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/healthz", echo.GetProperty("path").GetString());
        var headers = echo.GetProperty("headers").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString(), StringComparer.OrdinalIgnoreCase);
        Assert.Equal("contract-echo.default.localhost", headers["Host"]);
        Assert.Equal("contract-echo.default.localhost", headers["X-Forwarded-Host"]);
        Assert.Equal($"for=127.0.0.1;by=\"{new Uri(fixture.Platform.IngressUrl).Authority}\";proto=http;host=contract-echo.default.localhost", headers["Forwarded"]);

        using var sd = await fixture.Admin.GetAsync("/sd/prometheus");
        Assert.Equal(HttpStatusCode.OK, sd.StatusCode);
        Assert.Equal("application/json", sd.Content.Headers.ContentType?.MediaType);
        var group = JsonDocument.Parse(await sd.Content.ReadAsStringAsync()).RootElement.EnumerateArray()
            .Single(g => g.GetProperty("labels").GetProperty("function").GetString() == "contract-echo");
        var labels = group.GetProperty("labels");
        Assert.Equal("default", labels.GetProperty("namespace").GetString());
        // The Revision's name, as Knative's K_REVISION and the activator's series give it (not the content hash).
        Assert.Equal("contract-echo-00001", labels.GetProperty("revision").GetString());
        var target = Assert.Single(group.GetProperty("targets").EnumerateArray()).GetString();
        using var scraper = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var samples = PrometheusText.Parse(await scraper.GetStringAsync($"http://{target}/metrics"));
        Assert.Equal(1, samples.Value("serverless_runtime_requests_total", ("code", "200"), ("namespace", "default"), ("function", "contract-echo"), ("revision", labels.GetProperty("revision").GetString()!)));
    }

    private async Task DeployAsync(string name)
    {
        var function = new Function
        {
            Metadata = new V1ObjectMeta { Name = name },
            Spec = new FunctionSpec
            {
                Runtime = RuntimeNames.Dotnet,
                Handler = "DotnetTest::DotnetTest.Handlers::Echo",
                Source = new FunctionSource { Path = RepoPaths.Built("testassets", "functions", "dotnet-test") },
                Scale = new ScaleSpec { MinScale = 1 },
            },
        };
        using var content = new StringContent(ResourceJson.Serialize(function), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var created = await fixture.Admin.PostAsync(Functions, content);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var deadline = new CancellationTokenSource(ReadyBound);
        while (true)
        {
            using var response = await fixture.Admin.GetAsync(Functions + "/" + name, deadline.Token);
            var current = ResourceJson.Deserialize<Function>(await response.Content.ReadAsStringAsync(deadline.Token));
            if (current.Status?.Conditions?.Any(c => c.Type == ConditionTypes.Ready && c.Status == "True") == true)
            {
                return;
            }

            if (deadline.IsCancellationRequested)
            {
                throw new TimeoutException($"{name} not Ready within {ReadyBound}\n{fixture.Platform.Output}");
            }

            await Task.Delay(100, deadline.Token);
        }
    }
}
