using System.Net;
using System.Text;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Admin;

/// <summary>
/// Issue #14 item 15: <c>spec.source.path</c> could point anywhere (<c>/etc</c>, the state directory). The real platform,
/// its admin API over HTTP, with one directory listed in <c>local.source-roots</c>.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SourcePathAdmissionTests : IAsyncLifetime
{
    private const string Functions = "/apis/serverless.dev/v1alpha1/namespaces/default/functions";

    private readonly TempDirectory _home = new("serverless-sources");
    private readonly TempDirectory _root = new("serverless-source-root");
    private PlatformProcess _platform = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        var code = Path.Combine(_root.Path, "hello");
        Directory.CreateDirectory(code);
        File.Copy(Path.Combine(RepoPaths.Root, "examples", "hello-python", "main.py"), Path.Combine(code, "main.py"));

        // A refused start is retried until the activation times out: 5 s rather than the default minute.
        await File.WriteAllTextAsync(Path.Combine(_home.Path, "config.json"), """{"activator": {"activation-timeout": "5s"}}""");
        _platform = await PlatformProcess.StartAsync(_home.Path, sourceRoots: [_root.Path]);
        _admin = _platform.CreateAdminClient(TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _platform.DisposeAsync();
        _root.Dispose();
        _home.Dispose();
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "a system directory", "/etc" },
        { "the root's parent by ..", "{root}/hello/../.." },
        { "the state directory", "{home}" },
        { "another function's artifacts", "{home}/artifacts/default/victim/0123456789abcdef" },
        { "a link in the root to the state directory", "{root}/state-link" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Create_SourceOutsideTheAllowedPlaces_422NamingTheField(string label, string template)
    {
        Directory.CreateSymbolicLink(Path.Combine(_root.Path, "state-link"), _home.Path);
        var path = template.Replace("{root}", _root.Path, StringComparison.Ordinal).Replace("{home}", _home.Path, StringComparison.Ordinal);

        using var response = await _admin.PostAsync(Functions, Json(Python("refused", path)));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{label}: {(int)response.StatusCode} {body}");
        var status = ResourceJson.Deserialize<V1Status>(body);
        Assert.Contains(status.Details.Causes, cause => cause.Field == "spec.source.path");
        using var stored = await _admin.GetAsync(Functions + "/refused");
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
    }

    [Fact]
    public async Task Create_SourceBelowAListedRoot_RunsFromIt()
    {
        using (var created = await _admin.PostAsync(Functions, Json(Python("hello", Path.Combine(_root.Path, "hello")))))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        using var ingress = new HttpClient { BaseAddress = new Uri(_platform.IngressUrl), Timeout = TimeSpan.FromSeconds(60) };
        using var response = await Ingress.GetOnceRoutedAsync(ingress, "/default/hello/?name=root");
        Assert.Equal("Hello, root!", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Start_SourceSwappedForALinkAfterAdmission_InstanceNotStarted()
    {
        var code = Path.Combine(_root.Path, "swapped");
        Directory.CreateDirectory(code);
        File.Copy(Path.Combine(_root.Path, "hello", "main.py"), Path.Combine(code, "main.py"));
        using (var created = await _admin.PostAsync(Functions, Json(Python("swapped", code))))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        // Admitted as a directory of the root; now a link to the state directory, whose admin token a function must not read.
        Directory.Delete(code, recursive: true);
        Directory.CreateSymbolicLink(code, _home.Path);

        using var ingress = new HttpClient { BaseAddress = new Uri(_platform.IngressUrl), Timeout = TimeSpan.FromSeconds(90) };
        using var response = await Ingress.GetOnceRoutedAsync(ingress, "/default/swapped/");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body}");
        Assert.Contains("resolves to", body + _platform.Output, StringComparison.Ordinal);
    }

    private static Function Python(string name, string source) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new FunctionSpec { Runtime = RuntimeNames.Python, Handler = "main:handle", Source = new FunctionSource { Path = source } },
    };

    private static StringContent Json(Function function) => new(ResourceJson.Serialize(function), Encoding.UTF8, "application/json");
}
