using System.Net;
using System.Text.Json;

namespace Serverless.Cli.Tests.Integration;

/// <summary>The platform endpoints the CLI's logs and top use, called directly for their error answers.</summary>
[Collection(LocalPlatformCollection.Name)]
public sealed class PlatformApiTests : IDisposable
{
    private const string Functions = "apis/serverless.dev/v1alpha1/namespaces/default/functions/";
    private readonly HttpClient _http;

    public PlatformApiTests(LocalPlatformFixture platform)
    {
        _http = platform.Platform.CreateAdminClient(TimeSpan.FromSeconds(30));
    }

    public void Dispose() => _http.Dispose();

    [Theory]
    [InlineData("nope/log", HttpStatusCode.NotFound, "NotFound")]
    [InlineData("nope/log?tailLines=-1", HttpStatusCode.BadRequest, "tailLines must be a whole number from 0 to 100000")]
    [InlineData("nope/log?tailLines=100001", HttpStatusCode.BadRequest, "tailLines")]
    [InlineData("nope/log?follow=maybe", HttpStatusCode.BadRequest, "follow must be true or false")]
    public async Task Log_BadRequest_StatusWithReason(string path, HttpStatusCode expected, string text)
    {
        using var response = await _http.GetAsync(Functions + path);

        Assert.Equal(expected, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains(text, body, StringComparison.Ordinal);
        using var status = JsonDocument.Parse(body);
        Assert.Equal("Status", status.RootElement.GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Stats_Snapshot_IsAFunctionsArray()
    {
        using var response = await _http.GetAsync("stats/functions");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("functions").ValueKind);
    }
}
