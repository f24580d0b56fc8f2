using System.Net;
using System.Net.Http.Headers;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Admin;

/// <summary>The admin API always needs a credential: generated at first start, or given by $SERVERLESS_ADMIN_TOKEN.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AdminTokenTests : IClassFixture<PlatformFixture>
{
    private const string List = "/apis/serverless.dev/v1alpha1/namespaces/default/functions";
    private readonly PlatformFixture _fixture;

    public AdminTokenTests(PlatformFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task AdminApi_NoOrWrongToken_401WithStatusBody()
    {
        using var client = _fixture.Platform.CreateAnonymousAdminClient();

        using var anonymous = await client.GetAsync(List);
        using var wrong = await SendAsync(client, List, "nope");
        using var right = await SendAsync(client, List, _fixture.Platform.AdminToken);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("Bearer", Assert.Single(anonymous.Headers.WwwAuthenticate).Scheme);
        Assert.Equal("application/json", anonymous.Content.Headers.ContentType?.MediaType);
        using var status = JsonDocument.Parse(await anonymous.Content.ReadAsStringAsync());
        var body = status.RootElement;
        Assert.Equal(
            ("Status", "Failure", "Unauthorized", 401),
            (body.GetProperty("kind").GetString(), body.GetProperty("status").GetString(), body.GetProperty("reason").GetString(), body.GetProperty("code").GetInt32()));
        Assert.Contains("admin-token", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Theory]
    [InlineData("/healthz", HttpStatusCode.OK)]
    [InlineData("/metrics", HttpStatusCode.OK)]
    [InlineData("/stats/functions", HttpStatusCode.OK)]
    [InlineData("/readyz", HttpStatusCode.Unauthorized)]
    [InlineData(List + "/nope/log", HttpStatusCode.Unauthorized)]
    [InlineData("/apis/serverless.dev/v1alpha1/namespaces/default/triggers", HttpStatusCode.Unauthorized)]
    [InlineData("/nothing-here", HttpStatusCode.Unauthorized)]
    public async Task AdminApi_FromLoopbackWithoutToken_OnlyHealthAndTelemetryAnswer(string path, HttpStatusCode expected)
    {
        using var client = _fixture.Platform.CreateAnonymousAdminClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public void TokenFile_GeneratedAtFirstStart_OwnerOnlyAnd256Bits()
    {
        var path = Path.Combine(_fixture.Platform.Home, "admin-token");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Matches("^[A-Za-z0-9_-]{43}$", _fixture.Platform.AdminToken); // 32 bytes, base64url without padding
    }

    [Fact]
    public async Task Platform_Restarted_KeepsItsToken()
    {
        using var home = new TempDirectory("serverless-token");
        string first;
        await using (var platform = await PlatformProcess.StartAsync(home.Path))
        {
            first = platform.AdminToken;
        }

        await using var again = await PlatformProcess.StartAsync(home.Path);
        using var client = again.CreateAdminClient();
        using var response = await client.GetAsync(List);

        Assert.Equal(first, again.AdminToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AdminApi_EnvironmentToken_OverridesTheFile()
    {
        using var home = new TempDirectory("serverless-token");
        await using var platform = await PlatformProcess.StartAsync(home.Path, new Dictionary<string, string?> { ["SERVERLESS_ADMIN_TOKEN"] = "s3cret" });
        using var client = platform.CreateAnonymousAdminClient();

        using var anonymous = await client.GetAsync(List);
        using var right = await SendAsync(client, List, "s3cret");
        var status = await new FuncCli(home.Path, new Dictionary<string, string?> { ["SERVERLESS_ADMIN_TOKEN"] = "s3cret" }).RunAsync("status");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.False(File.Exists(Path.Combine(home.Path, "admin-token")));
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("Token:     $SERVERLESS_ADMIN_TOKEN", status.StdOut, StringComparison.Ordinal);
        Assert.Contains("Functions: 0", status.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Platform_WildcardAdminBind_RecordsALoopbackUrlTheCliUses()
    {
        using var home = new TempDirectory("serverless-wildcard");
        await using var platform = await PlatformProcess.StartAsync(home.Path, admin: "0.0.0.0:0");

        var status = await new FuncCli(home.Path).RunAsync("status");

        Assert.StartsWith("https://127.0.0.1:", platform.AdminUrl, StringComparison.Ordinal);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("Admin API: " + platform.AdminUrl, status.StdOut, StringComparison.Ordinal);
        Assert.Contains("Functions: 0", status.StdOut, StringComparison.Ordinal);

        // Off loopback (this machine's own non-loopback address, when it has one) telemetry needs the token too.
        if (NonLoopbackAddress() is { } address)
        {
            var port = new Uri(platform.AdminUrl).Port;
            using var client = new HttpClient(platform.CreateAdminHandler()) { BaseAddress = new Uri($"https://{address}:{port}") };
            using var anonymous = await client.GetAsync("/metrics");
            using var withToken = await SendAsync(client, "/metrics", platform.AdminToken);
            using var health = await client.GetAsync("/healthz");

            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string path, string token) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } });

    private static IPAddress? NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
