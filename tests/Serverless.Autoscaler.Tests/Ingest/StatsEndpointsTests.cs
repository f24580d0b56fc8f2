using System.Net;
using System.Text;
using Serverless.Autoscaler.Configuration;
using Serverless.Autoscaler.Ingest;
using Serverless.Autoscaler.Tests.Fakes;
using Serverless.Core.Contracts;
using Serverless.TestSupport;

namespace Serverless.Autoscaler.Tests.Ingest;

/// <summary>
/// The autoscaler's <see cref="StatsEndpoints"/> over real HTTP on loopback: bad bodies are 400s naming the field, a
/// body over the limit a 413. (With the activator's sender at the other end: Serverless.Platform.Tests/Link.)
/// </summary>
public sealed class StatsEndpointsTests
{
    private static readonly FunctionKey Key = new("default", "hello");

    [Theory]
    [InlineData("stats", "{\"activator\":\"a\",\"samples\":[{\"namespace\":\"default\"}]}", HttpStatusCode.BadRequest, "samples[0].name")]
    [InlineData("stats", "{not json", HttpStatusCode.BadRequest, "body: not valid JSON")]
    [InlineData("scale-from-zero", "{\"namespace\":\"default\"}", HttpStatusCode.BadRequest, "name: must be a non-empty string")]
    [InlineData("scale-from-zero", "{\"namespace\":\"default\",\"name\":\"hello\"}", HttpStatusCode.Accepted, "")]
    [InlineData("stats", "{\"activator\":\"a\",\"samples\":[]}", HttpStatusCode.OK, "{\"autoscaler\":\"autoscaler-1\"}")]
    public async Task Post_Body_StatusAndMessage(string path, string body, HttpStatusCode status, string expected)
    {
        var time = new ManualTimeProvider();
        var reports = new ActivatorReports(time, TimeSpan.FromSeconds(60));
        await using var harness = await ScalerHarness.StartAsync(new AutoscalerOptions(), reports, time, ScalerHarness.TestFunction("hello"));
        harness.Backend.Set(Key, 1);
        await using var server = await StatsServer.StartAsync(reports, harness.Scaler, "autoscaler-1");
        using var client = new HttpClient { BaseAddress = server.Address };

        using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_BodyOverLimit_413()
    {
        var time = new ManualTimeProvider();
        var reports = new ActivatorReports(time, TimeSpan.FromSeconds(60));
        await using var harness = await ScalerHarness.StartAsync(new AutoscalerOptions(), reports, time, ScalerHarness.TestFunction("hello"));
        await using var server = await StatsServer.StartAsync(reports, harness.Scaler, "autoscaler-1");
        using var client = new HttpClient { BaseAddress = server.Address };

        using var response = await client.PostAsync("stats", new ByteArrayContent(new byte[StatsEndpoints.MaxBodyBytes + 1]));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }
}
