using System.Text.Json.Nodes;
using Serverless.KubeApiServer;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Targets.Kubernetes;

/// <summary>The real <c>func</c> process against the API double, configured through a kubeconfig file only.</summary>
public sealed class KubernetesCliProcessTests : IAsyncLifetime
{
    private readonly TempDirectory _work = new("func-kube");
    private KubeApiDouble _api = null!;
    private FuncCli _func = null!;

    public async Task InitializeAsync()
    {
        _api = await KubeApiDouble.StartAsync();
        var kubeconfig = _api.WriteKubeconfig(Path.Combine(_work.Path, "kubeconfig"), "developer", "team");
        _func = new FuncCli(Path.Combine(_work.Path, "home"), new Dictionary<string, string?> { ["KUBECONFIG"] = kubeconfig });
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _work.Dispose();
    }

    [Fact]
    public async Task DeployListDelete_Kube_ManageFunctionInCluster()
    {
        var dir = Path.Combine(_work.Path, "greeter");
        Assert.Equal(0, (await _func.RunAsync("create", "-l", "node", dir)).ExitCode);

        var deploy = await _func.RunAsync("deploy", dir, "--kube", "--no-wait");
        var list = await _func.RunAsync("list", "--kube");
        var function = _api.GetObject(ResourceTypes.Functions, "team", "greeter");
        var delete = await _func.RunAsync("delete", "greeter", "--kube");

        Assert.True(deploy.ExitCode == 0, deploy.ToString());
        Assert.Contains("team/greeter", deploy.StdOut + deploy.StdErr, StringComparison.Ordinal);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains("greeter", list.StdOut, StringComparison.Ordinal);
        var configMap = function?["spec"]?["source"]?["configMap"]?.GetValue<string>();
        Assert.StartsWith("greeter-", configMap, StringComparison.Ordinal);
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.Null(_api.GetObject(ResourceTypes.Functions, "team", "greeter"));
        Assert.Empty(_api.ListObjects(ResourceTypes.ConfigMaps, "team"));
        Assert.All(_api.Audit.Records, r => Assert.Equal("developer", r.Identity));
    }

    [Fact]
    public async Task Deploy_ScaleOnlyChange_SameArtifactConfigMap()
    {
        var dir = Path.Combine(_work.Path, "scaled");
        Assert.Equal(0, (await _func.RunAsync("create", "-l", "node", dir)).ExitCode);
        var first = await _func.RunAsync("deploy", dir, "--kube", "--no-wait");
        var artifact = _api.GetObject(ResourceTypes.Functions, "team", "scaled")?["spec"]?["source"]?["configMap"]?.GetValue<string>();

        var yaml = Path.Combine(dir, "func.yaml");
        File.WriteAllText(yaml, File.ReadAllText(yaml).Replace("maxScale: 10", "maxScale: 3", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(dir, "README.md"), "# scaled\n");
        var second = await _func.RunAsync("deploy", dir, "--kube", "--no-wait");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        var function = _api.GetObject(ResourceTypes.Functions, "team", "scaled")!;
        Assert.Equal(3, function["spec"]!["scale"]!["maxScale"]!.GetValue<int>());
        Assert.Equal(artifact, function["spec"]!["source"]!["configMap"]!.GetValue<string>());
        Assert.Equal([artifact], _api.ListObjects(ResourceTypes.ConfigMaps, "team").Select(c => c["metadata"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Deploy_NativeBuild_RefusedBeforeBuildingNothingWritten()
    {
        var dir = Path.Combine(_work.Path, "native");
        Assert.Equal(0, (await _func.RunAsync("create", "-l", "csharp", dir)).ExitCode);
        File.AppendAllText(Path.Combine(dir, "func.yaml"), "build:\n  native: true\n");

        var deploy = await _func.RunAsync("deploy", dir, "--kube", "--no-wait");

        Assert.Equal(1, deploy.ExitCode);
        Assert.Contains("build.native runs on the local platform only", deploy.StdErr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir, "obj")), "nothing was built"); // refused before the minute of compiling
        Assert.Empty(_api.ListObjects(ResourceTypes.ConfigMaps, "team"));
        Assert.Null(_api.GetObject(ResourceTypes.Functions, "team", "native"));
    }

    [Fact]
    public async Task Deploy_ArtifactOverConfigMapLimit_Exit1PointsToImage()
    {
        var dir = Path.Combine(_work.Path, "big");
        Assert.Equal(0, (await _func.RunAsync("create", "-l", "node", dir)).ExitCode);
        var noise = new byte[1536 * 1024];
        new Random(7).NextBytes(noise);
        File.WriteAllBytes(Path.Combine(dir, "blob.bin"), noise);

        var deploy = await _func.RunAsync("deploy", dir, "--kube", "--no-wait");

        Assert.True(deploy.ExitCode == 1, deploy.ToString());
        Assert.Contains("over the 1024 KiB a ConfigMap can hold", deploy.StdErr, StringComparison.Ordinal);
        Assert.Contains("spec.image", deploy.StdErr, StringComparison.Ordinal);
        Assert.Null(_api.GetObject(ResourceTypes.Functions, "team", "big"));
    }

    [Fact]
    public async Task Invoke_UrlHostDoesNotResolve_Exit1NamesTheHostNoStackTrace()
    {
        // status.url as the controller writes it, under a domain with no DNS record (.invalid never resolves).
        _api.CreateObject(ResourceTypes.Functions, "team", new JsonObject
        {
            ["apiVersion"] = "serverless.dev/v1alpha1",
            ["kind"] = "Function",
            ["metadata"] = new JsonObject { ["name"] = "hello", ["namespace"] = "team" },
            ["spec"] = new JsonObject { ["runtime"] = "node", ["source"] = new JsonObject { ["configMap"] = "hello-0123456789" } },
            ["status"] = new JsonObject { ["url"] = "http://hello.team.fn.invalid" },
        });

        var result = await _func.RunAsync("invoke", "hello", "--kube");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("cannot resolve hello.team.fn.invalid, the host of hello's URL", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("kubectl port-forward -n serverless-system svc/activator", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("HttpRequestException", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_UnknownContext_Exit1NamesContext()
    {
        var result = await _func.RunAsync("list", "--context", "nope");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("context nope", result.StdErr, StringComparison.Ordinal);
    }
}
