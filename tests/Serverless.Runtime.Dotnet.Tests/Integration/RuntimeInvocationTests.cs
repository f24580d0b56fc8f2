using System.Net;
using System.Net.Http.Json;
using System.Text;
using Serverless.Runtime.Dotnet.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Integration;

public sealed class RuntimeInvocationTests(EchoRuntimeFixture fixture) : IClassFixture<EchoRuntimeFixture>
{
    private RuntimeInstance Runtime => fixture.Runtime;

    [Theory]
    [InlineData("healthz", "ok")]
    [InlineData("readyz", "ready")]
    public async Task Probe_OnPlatformPort_Returns200(string path, string expectedBody)
    {
        using var response = await Runtime.Platform.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expectedBody, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Issue #16: the platform's paths belong to the function on its own port, as in Knative.</summary>
    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/metrics")]
    public async Task Invoke_PlatformPathOnPublicPort_ReachesTheFunction(string path)
    {
        using var response = await Runtime.Client.GetAsync(path.TrimStart('/'));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echo = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        Assert.Equal(path, echo.GetProperty("path").GetString());
    }

    [Fact]
    public async Task PlatformPort_OtherPath_Is404AndNotAnInvocation()
    {
        using var response = await Runtime.Platform.GetAsync("orders");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public void Start_Loaded_PrintsOneLineWithLoadTimeAndAddress()
    {
        var line = Assert.Single(Runtime.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("serverless-runtime: ", StringComparison.Ordinal));

        Assert.Matches(@"^serverless-runtime: DotnetTest::DotnetTest\.Handlers::Echo loaded in \d+ ms, listening on http://127\.0\.0\.1:\d+ \(\d+ ms after start\)$", line.TrimEnd('\r'));
        Assert.Contains($":{Runtime.Port} ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_PostWithPathQueryHeadersAndBody_EchoesThemBack()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "orders/42?expand=items&x=%C3%A9")
        {
            Content = new StringContent("{\"hello\":\"wörld\"}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Request-Id", "abc-123");

        using var response = await Runtime.Client.SendAsync(request);
        var echo = await response.Content.ReadFromJsonAsync<EchoResponse>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(echo);
        Assert.Equal("POST", echo.Method);
        Assert.Equal("/orders/42", echo.Path);
        Assert.Equal("?expand=items&x=%C3%A9", echo.QueryString);
        Assert.Equal("items", echo.Query["expand"]);
        Assert.Equal("é", echo.Query["x"]);
        // Header names are case-insensitive (HttpClient sends this one as X-Request-ID).
        var headers = new Dictionary<string, string>(echo.Headers, StringComparer.OrdinalIgnoreCase);
        Assert.Equal("abc-123", headers["X-Request-Id"]);
        Assert.Equal("application/json; charset=utf-8", headers["Content-Type"]);
        Assert.Equal("{\"hello\":\"wörld\"}", echo.Body);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    [InlineData("OPTIONS")]
    public async Task Invoke_AnyMethod_ReachesTheHandler(string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "some/path");

        using var response = await Runtime.Client.SendAsync(request);
        var echo = await response.Content.ReadFromJsonAsync<EchoResponse>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(method, echo?.Method);
        Assert.Equal("/some/path", echo?.Path);
    }

    [Fact]
    public async Task Invoke_FiveMebibyteBody_RoundTripsUnchanged()
    {
        var random = new Random(7);
        var chars = new char[5 * 1024 * 1024];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)('a' + random.Next(26));
        }

        var body = new string(chars);
        using var content = new StringContent(body, Encoding.ASCII, "text/plain");

        using var response = await Runtime.Client.PostAsync("upload", content);
        var echo = await response.Content.ReadFromJsonAsync<EchoResponse>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body.Length, echo?.Body.Length);
        Assert.Equal(body, echo?.Body);
    }
}
