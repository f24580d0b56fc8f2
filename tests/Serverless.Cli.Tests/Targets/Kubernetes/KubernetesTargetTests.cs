using k8s;
using k8s.Models;
using Serverless.Cli.App;
using Serverless.Cli.Build;
using Serverless.Cli.Targets;
using Serverless.Cli.Targets.Kubernetes;
using Serverless.Core.Api;
using Serverless.KubeApiServer;
using Serverless.KubeApiServer.Faults;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Targets.Kubernetes;

/// <summary>The Kubernetes target in process, against the API double through a kubeconfig file.</summary>
public sealed class KubernetesTargetTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("kube-target");
    private KubeApiDouble _api = null!;
    private IFunctionTarget _target = null!;

    public async Task InitializeAsync()
    {
        _api = await KubeApiDouble.StartAsync();
        var kubeconfig = _api.WriteKubeconfig(Path.Combine(_dir.Path, "config"), "developer", "team");
        _target = KubernetesTarget.Open(new TargetSelection(true, null, null), name => name == "KUBECONFIG" ? kubeconfig : null);
    }

    public async Task DisposeAsync()
    {
        await _target.DisposeAsync();
        await _api.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task ApplyAsync_NewFunction_UploadsImmutableConfigMapAndCreatesFunction()
    {
        using var artifact = Artifact("v1");

        var applied = await _target.ApplyAsync(Desired("hello"), artifact, CancellationToken.None);

        var configMapName = ArtifactConfigMap.NameFor("hello", artifact.Digest);
        var configMap = await _api.CreateClient().CoreV1.ReadNamespacedConfigMapAsync(configMapName, "team");
        Assert.True(applied.ArtifactUploaded);
        Assert.Equal("configmap/" + configMapName, applied.ArtifactLocation);
        Assert.Equal(configMapName, applied.Function.Spec.Source?.ConfigMap);
        Assert.True(configMap.Immutable);
        Assert.Equal("serverless", configMap.Metadata.Labels["app.kubernetes.io/managed-by"]);
        Assert.Equal("hello", configMap.Metadata.Labels["serverless.dev/function"]);
        Assert.NotEmpty(configMap.BinaryData[ArtifactPackage.DataKey]);
        Assert.Equal(applied.Function.Metadata.Uid, configMap.Metadata.OwnerReferences.Single().Uid);
        Assert.Equal("team", _target.DefaultNamespace);
    }

    [Fact]
    public async Task ApplyAsync_SameArtifactAgainWithNewSpec_ReusesConfigMapAndBumpsGeneration()
    {
        using var artifact = Artifact("v1");
        var first = await _target.ApplyAsync(Desired("hello"), artifact, CancellationToken.None);
        var changed = Desired("hello");
        changed.Spec.TimeoutSeconds = 60;

        var second = await _target.ApplyAsync(changed, artifact, CancellationToken.None);

        Assert.False(second.ArtifactUploaded);
        Assert.Equal(first.Function.Metadata.Uid, second.Function.Metadata.Uid);
        Assert.Equal(2, second.Function.Metadata.Generation);
        Assert.Single(_api.ListObjects(ResourceTypes.ConfigMaps, "team"));
    }

    [Fact]
    public async Task ApplyAsync_ControllerOwnsTheArtifactFirst_ItsOwnersAreLeftAlone()
    {
        // The controller makes the Revision it cuts the owner of the artifact; a deploy's link to its Function that
        // arrives after (held here for 2 s) must not take the ownership back, or the artifact would outlive its Revisions.
        using var artifact = Artifact("v1");
        var configMapName = ArtifactConfigMap.NameFor("hello", artifact.Digest);
        _api.Faults.SlowDown(TimeSpan.FromSeconds(2), r => r is { Identity: "developer", Verb: "patch", Resource: "configmaps" });
        var apply = _target.ApplyAsync(Desired("hello"), artifact, CancellationToken.None);
        var deadline = Environment.TickCount64 + 30_000;
        while (_api.GetObject(ResourceTypes.Functions, "team", "hello") is null)
        {
            Assert.True(Environment.TickCount64 < deadline, "the Function was not created within 30 s");
            await Task.Delay(20);
        }

        var revisionOwner = """{"metadata":{"ownerReferences":[{"apiVersion":"serverless.dev/v1alpha1","kind":"Revision","name":"hello-00001","uid":"revision-uid"}]}}""";
        await _api.CreateClient("controller").CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(revisionOwner, V1Patch.PatchType.MergePatch), configMapName, "team");

        var applied = await apply;

        Assert.True(applied.ArtifactUploaded);
        var configMap = await _api.CreateClient().CoreV1.ReadNamespacedConfigMapAsync(configMapName, "team");
        Assert.Equal(("Revision", "revision-uid"), (configMap.Metadata.OwnerReferences.Single().Kind, configMap.Metadata.OwnerReferences.Single().Uid));
        Assert.Contains(_api.Audit.For("developer"), r => r is { Verb: "patch", Resource: "configmaps", StatusCode: 422 });
    }

    [Fact]
    public async Task ApplyAsync_NewArtifact_NewConfigMapName()
    {
        using var v1 = Artifact("v1");
        using var v2 = Artifact("v2");
        await _target.ApplyAsync(Desired("hello"), v1, CancellationToken.None);

        var applied = await _target.ApplyAsync(Desired("hello"), v2, CancellationToken.None);

        Assert.Equal(ArtifactConfigMap.NameFor("hello", v2.Digest), applied.Function.Spec.Source?.ConfigMap);
        Assert.Equal(2, _api.ListObjects(ResourceTypes.ConfigMaps, "team").Count);
    }

    [Fact]
    public async Task ApplyAsync_ConcurrentWriter_RereadsAndRetriesTheUpdate()
    {
        using var artifact = Artifact("v1");
        await _target.ApplyAsync(Desired("hello"), artifact, CancellationToken.None);
        _api.Faults.FailNext(2, 409, r => r.Verb == "update" && r.Resource == "functions");
        var changed = Desired("hello");
        changed.Spec.TimeoutSeconds = 60;

        var applied = await _target.ApplyAsync(changed, artifact, CancellationToken.None);

        Assert.Equal(60, applied.Function.Spec.TimeoutSeconds);
        Assert.Equal(2, applied.Function.Metadata.Generation);
        Assert.Equal(3, _api.Audit.Records.Count(r => r.Verb == "update" && r.Resource == "functions"));
    }

    [Fact]
    public async Task ApplyAsync_ConflictEveryTime_RejectedWithTryAgain()
    {
        using var artifact = Artifact("v1");
        await _target.ApplyAsync(Desired("hello"), artifact, CancellationToken.None);
        _api.Faults.FailNext(100, 409, r => r.Verb == "update" && r.Resource == "functions");

        var error = await Assert.ThrowsAsync<CliException>(() => _target.ApplyAsync(Desired("hello"), artifact, CancellationToken.None));

        Assert.StartsWith("cluster ", error.Message, StringComparison.Ordinal);
        Assert.Contains("rejected applying functions team/hello: 409", error.Message, StringComparison.Ordinal);
        Assert.Equal("it was changed concurrently: try again", error.Hint);
        Assert.Equal(5, _api.Audit.Records.Count(r => r.Verb == "update" && r.Resource == "functions"));
    }

    [Fact]
    public async Task ApplyAsync_Forbidden_RefusedWithCredentialsHint()
    {
        using var artifact = Artifact("v1");
        _api.Faults.FailNext(1, 403, r => r.Verb == "create" && r.Resource == "functions");

        var error = await Assert.ThrowsAsync<CliException>(() => _target.ApplyAsync(Desired("hello"), artifact, CancellationToken.None));

        Assert.Contains("refused applying functions team/hello: 403", error.Message, StringComparison.Ordinal);
        Assert.Contains("credentials of your kubeconfig context", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_ConnectionDropped_CannotReachTheCluster()
    {
        _api.Faults.Add(new FaultRule(r => r.Verb == "get" && r.Resource == "functions", 1, FaultKind.Disconnect));

        var error = await Assert.ThrowsAsync<CliException>(() => _target.GetAsync("team", "hello", CancellationToken.None));

        Assert.StartsWith("cannot reach cluster ", error.Message, StringComparison.Ordinal);
        Assert.Contains("while reading functions team/hello", error.Message, StringComparison.Ordinal);
        Assert.Contains("kubectl config current-context", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyAsync_Image_SkipsUpload()
    {
        using var artifact = Artifact("v1");
        var desired = Desired("hello");
        desired.Spec.Image = "registry.example/hello:1";

        var applied = await _target.ApplyAsync(desired, artifact, CancellationToken.None);

        Assert.Equal("image/registry.example/hello:1", applied.ArtifactLocation);
        Assert.Null(applied.Function.Spec.Source);
        Assert.Empty(_api.ListObjects(ResourceTypes.ConfigMaps));
    }

    [Fact]
    public async Task GetListDelete_Function_RoundTrip()
    {
        using var artifact = Artifact("v1");
        await _target.ApplyAsync(Desired("a"), artifact, CancellationToken.None);
        await _target.ApplyAsync(Desired("b"), artifact, CancellationToken.None);

        var listed = await _target.ListAsync("team", CancellationToken.None);
        var deleted = await _target.DeleteAsync("team", "a", CancellationToken.None);
        var deletedAgain = await _target.DeleteAsync("team", "a", CancellationToken.None);

        Assert.Equal(["a", "b"], listed.Select(f => f.Metadata.Name).Order());
        Assert.True(deleted);
        Assert.False(deletedAgain);
        Assert.Null(await _target.GetAsync("team", "a", CancellationToken.None));
        Assert.Equal(["b"], _api.ListObjects(ResourceTypes.ConfigMaps, "team").Select(c => c["metadata"]!["labels"]!["serverless.dev/function"]!.GetValue<string>()));
    }

    [Fact]
    public async Task LogsAsync_TwoPods_MergedInTimeOrderAndTagged()
    {
        await FunctionWithPodLogsAsync("2024-01-01T00:00:01Z one\n2024-01-01T00:00:03Z three\n", "2024-01-01T00:00:02Z two\n");

        var lines = new List<LogLine>();
        await foreach (var line in _target.LogsAsync("team", "hello", new LogRequest(false, 2), CancellationToken.None))
        {
            lines.Add(line);
        }

        Assert.Equal([new LogLine("hello-2", "2024-01-01T00:00:02Z two"), new LogLine("hello-1", "2024-01-01T00:00:03Z three")], lines);
        Assert.Contains(_api.Audit.Records, r => r.Resource == "pods" && r.Subresource == "log" && r.Verb == "get");
    }

    [Fact]
    public async Task LogsAsync_Follow_StreamsEveryPodUntilItsLogEnds()
    {
        await FunctionWithPodLogsAsync("2024-01-01T00:00:01Z one\n", "2024-01-01T00:00:02Z two\n2024-01-01T00:00:03Z three\n");
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var lines = new List<LogLine>();
        await foreach (var line in _target.LogsAsync("team", "hello", new LogRequest(true, null), bound.Token))
        {
            lines.Add(line);
        }

        Assert.Equal(["hello-1 one", "hello-2 three", "hello-2 two"], lines.Select(l => $"{l.Instance} {l.Text.Split(' ')[1]}").Order(StringComparer.Ordinal));
        Assert.Equal(["two", "three"], lines.Where(l => l.Instance == "hello-2").Select(l => l.Text.Split(' ')[1]));
    }

    [Fact]
    public async Task LogsAsync_MissingFunction_ThrowsNotFound()
    {
        await Assert.ThrowsAsync<FunctionNotFoundException>(async () =>
        {
            await foreach (var _ in _target.LogsAsync("team", "nope", new LogRequest(false, null), CancellationToken.None))
            {
            }
        });
    }

    [Fact]
    public async Task GetFunctionUrlAsync_StatusUrl_Returned()
    {
        using var artifact = Artifact("v1");
        var applied = await _target.ApplyAsync(Desired("hello"), artifact, CancellationToken.None);
        var status = new V1Patch("""{"status":{"url":"http://hello.team.example.com","replicas":2,"readyReplicas":1}}""", V1Patch.PatchType.MergePatch);
        await _api.CreateClient().CustomObjects.PatchNamespacedCustomObjectStatusAsync(status, ApiGroup.Group, ApiGroup.Version, "team", Function.Plural, "hello");

        var url = await _target.GetFunctionUrlAsync("team", "hello", CancellationToken.None);
        var stats = await _target.GetStatsAsync(CancellationToken.None);

        Assert.Equal("http://hello.team.example.com/", url.ToString());
        Assert.Equal((2, 1), (stats.Single().DesiredInstances, stats.Single().ReadyInstances));
        Assert.NotNull(applied.Function.Metadata.Uid);
    }

    // Function "hello" with pods hello-1 and hello-2 whose logs are the given texts.
    private async Task FunctionWithPodLogsAsync(string firstPodLog, string secondPodLog)
    {
        using var artifact = Artifact("v1");
        await _target.ApplyAsync(Desired("hello"), artifact, CancellationToken.None);
        await Pod("hello-1");
        await Pod("hello-2");
        _api.SetPodLog("team", "hello-1", firstPodLog);
        _api.SetPodLog("team", "hello-2", secondPodLog);
    }

    private async Task Pod(string name) =>
        await _api.CreateClient().CoreV1.CreateNamespacedPodAsync(
            new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["serverless.dev/function"] = "hello" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "function", Image = "runtime" }] },
            },
            "team");

    private PreparedArtifact Artifact(string content)
    {
        var root = Path.Combine(_dir.Path, "artifact-" + content);
        Directory.CreateDirectory(root);
        File.WriteAllText(Path.Combine(root, "index.js"), $"exports.handler = () => '{content}';");
        return new PreparedArtifact(root, ArtifactScanner.Scan(root, ArtifactScanner.SourceExclusions), temporaryDirectory: null);
    }

    private static Function Desired(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "team" },
        Spec = new FunctionSpec { Runtime = RuntimeNames.Node, Handler = "index.js:handler" },
    };
}
