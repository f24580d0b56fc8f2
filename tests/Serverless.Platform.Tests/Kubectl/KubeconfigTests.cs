using System.Net;
using System.Text.Json;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Kubectl;

/// <summary>Issue #19 item 6: the admin API serves HTTPS, and the kubeconfig of <c>func kubeconfig</c> / <c>func up --kubeconfig</c> gets kubectl in.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KubeconfigTests : IClassFixture<KubectlFixture>
{
    private const string Functions = "/apis/serverless.dev/v1alpha1/namespaces/default/functions";

    private readonly KubectlFixture _fixture;

    public KubeconfigTests(KubectlFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task FuncKubeconfig_KubectlRaw_ReachesTheAdminApiOverHttpsWithTheToken()
    {
        var result = await _fixture.Kubectl.RunAsync("get", "--raw", Functions);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var list = JsonDocument.Parse(result.StdOut);
        Assert.Equal("FunctionList", list.RootElement.GetProperty("kind").GetString());
        Assert.StartsWith("https://127.0.0.1:", _fixture.Platform.AdminUrl, StringComparison.Ordinal);
        var kubeconfig = await File.ReadAllTextAsync(_fixture.KubeconfigPath);
        Assert.Contains("server: \"" + _fixture.Platform.AdminUrl + "\"", kubeconfig, StringComparison.Ordinal);
        Assert.Contains("token: \"" + _fixture.Platform.AdminToken + "\"", kubeconfig, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminApi_PlainHttpClient_RefusedByTheTlsListener()
    {
        var port = new Uri(_fixture.Platform.AdminUrl).Port;
        using var plain = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };

        // The TLS listener closes a connection that does not start with a TLS handshake: no answer, no token in clear.
        await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetAsync(Functions));
    }

    [Fact]
    public async Task AdminApi_WrongCa_KubectlRefusesTheServer()
    {
        using var otherHome = new TempDirectory("serverless-kubectl-other");
        await using var other = await PlatformProcess.StartAsync(otherHome.Path);
        var kubeconfig = (await File.ReadAllTextAsync(_fixture.KubeconfigPath)).Replace(_fixture.Platform.AdminUrl, other.AdminUrl, StringComparison.Ordinal);
        var path = Path.Combine(_fixture.WorkDirectory, "wrong-ca");
        await File.WriteAllTextAsync(path, kubeconfig);

        var result = await new TestSupport.Kubectl(path, Path.Combine(_fixture.WorkDirectory, "cache-wrong")).RunAsync("get", "--raw", Functions);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("certificate", result.StdErr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Platform_AdminPlainHttpAndKubeconfigFlags_PlainOnlyWhenAskedAndTheFileWritten()
    {
        using var home = new TempDirectory("serverless-plain");
        var path = Path.Combine(home.Path, "out", "kubeconfig");
        await using var platform = await PlatformProcess.StartAsync(home.Path, arguments: ["--admin-plain-http", "--kubeconfig", path]);
        using var client = new HttpClient { BaseAddress = new Uri(platform.AdminUrl) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", platform.AdminToken);

        using var response = await client.GetAsync(Functions);

        Assert.StartsWith("http://127.0.0.1:", platform.AdminUrl, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("--admin-plain-http", platform.Output, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var kubeconfig = await File.ReadAllTextAsync(path);
        Assert.Contains("server: \"" + platform.AdminUrl + "\"", kubeconfig, StringComparison.Ordinal);
        Assert.DoesNotContain("certificate-authority-data", kubeconfig, StringComparison.Ordinal);
    }
}
