using System.Net;
using System.Net.Http.Headers;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Admin;

public sealed class AdminTokenTests
{
    [Fact]
    public async Task AdminApi_WithToken_RefusesRequestsWithoutIt()
    {
        using var home = new TempDirectory("serverless-token");
        await using var platform = await PlatformProcess.StartAsync(home.Path, new Dictionary<string, string?> { ["SERVERLESS_ADMIN_TOKEN"] = "s3cret" });
        using var client = new HttpClient { BaseAddress = new Uri(platform.AdminUrl) };
        const string List = "/apis/serverless.dev/v1alpha1/namespaces/default/functions";

        using var anonymous = await client.GetAsync(List);
        using var wrong = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, List) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "nope") } });
        using var right = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, List) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "s3cret") } });

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task Platform_AdminBeyondLoopbackWithoutToken_RefusesToStart()
    {
        var result = await ProcessRunner.RunAsync(
            "dotnet",
            [RepoPaths.Built("platform", "Serverless.Platform.dll"), "--admin", "0.0.0.0:0", "--ingress", "127.0.0.1:0"],
            new Dictionary<string, string?> { ["SERVERLESS_ADMIN_TOKEN"] = null, ["SERVERLESS_HOME"] = Path.GetTempPath() },
            timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("SERVERLESS_ADMIN_TOKEN", result.StdErr, StringComparison.Ordinal);
    }
}
