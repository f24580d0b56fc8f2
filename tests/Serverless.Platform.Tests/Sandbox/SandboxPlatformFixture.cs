using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Sandbox;

/// <summary>
/// One platform, as the README starts it (sandbox on), with secrets in its environment, and two Python functions:
/// the attacker (tests/testassets/functions/sandbox-probe) and a victim whose artifact lies in the state directory
/// where <c>func deploy</c> puts artifacts.
/// </summary>
public sealed class SandboxPlatformFixture : IAsyncLifetime
{
    public const string AdminToken = "sandbox-test-admin-token";
    public const string CloudSecret = "sandbox-test-aws-secret";
    private const string Functions = "/apis/serverless.dev/v1alpha1/namespaces/default/functions";

    private readonly TempDirectory _home = new("serverless-sandbox");

    public PlatformProcess Platform { get; private set; } = null!;

    public string Home => _home.Path;

    /// <summary>The victim's artifact, as func deploy lays it out: {home}/artifacts/{namespace}/{name}/{digest}.</summary>
    public string VictimArtifact => Path.Combine(Home, "artifacts", "default", "victim", "0123456789abcdef");

    public HttpClient Ingress { get; private set; } = null!;

    public static string ProbeSource => Path.Combine(RepoPaths.Root, "tests", "testassets", "functions", "sandbox-probe");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(VictimArtifact);
        File.Copy(Path.Combine(ProbeSource, "main.py"), Path.Combine(VictimArtifact, "main.py"));
        await File.WriteAllTextAsync(Path.Combine(VictimArtifact, "secret.txt"), "the victim's secret");

        // The admin token file a start without SERVERLESS_ADMIN_TOKEN generated (0600): this start takes the
        // variable instead (the attack on the parent's environment looks for it), so the file stays as it was.
        var secret = Path.Combine(Home, "admin-token");
        await File.WriteAllTextAsync(secret, "sandbox-test-generated-admin-token\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        // Sandboxes made for each function (their artifact at its own path): a pool would make the attacker's start
        // depend on whether a pool instance was idle. The pooled sandbox has its own attacks (SandboxedWarmPoolTests).
        await File.WriteAllTextAsync(Path.Combine(Home, "config.json"), """{"local": {"pool-size": 0}}""");
        Platform = await PlatformProcess.StartAsync(Home, new Dictionary<string, string?>
        {
            ["SERVERLESS_ADMIN_TOKEN"] = AdminToken,
            ["AWS_SECRET_ACCESS_KEY"] = CloudSecret,
        });
        using var admin = Platform.CreateAnonymousAdminClient(TimeSpan.FromSeconds(30));
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        foreach (var (name, source) in new[] { ("attacker", ProbeSource), ("victim", VictimArtifact) })
        {
            var function = new Function
            {
                Metadata = new V1ObjectMeta { Name = name },
                Spec = new FunctionSpec { Runtime = RuntimeNames.Python, Handler = "main:handle", Source = new FunctionSource { Path = source } },
            };
            using var created = await admin.PostAsync(Functions, new StringContent(ResourceJson.Serialize(function), Encoding.UTF8, "application/json"));
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        Ingress = new HttpClient { BaseAddress = new Uri(Platform.IngressUrl), Timeout = TimeSpan.FromSeconds(60) };
        foreach (var name in new[] { "attacker", "victim" })
        {
            using var response = await Serverless.TestSupport.Ingress.GetOnceRoutedAsync(Ingress, $"/default/{name}/");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {response.StatusCode}\n{Platform.Output}");
        }
    }

    /// <summary>One request to the attacker; its JSON answer.</summary>
    public async Task<T> AttackAsync<T>(string pathAndQuery)
    {
        using var response = await Ingress.GetAsync("/default/attacker" + pathAndQuery);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{pathAndQuery}: {response.StatusCode} {body}");
        return System.Text.Json.JsonSerializer.Deserialize<T>(body)!;
    }

    public async Task DisposeAsync()
    {
        Ingress?.Dispose();
        if (Platform is not null)
        {
            await Platform.DisposeAsync();
        }

        _home.Dispose();
    }
}
