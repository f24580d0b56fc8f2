using Serverless.Cli.Tests.Build;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Commands;

public sealed class DeployCommandTests : CommandTestBase, IDisposable
{
    private readonly TempDirectory _source = new("func-cli-src");

    public void Dispose() => _source.Dispose();

    [Fact]
    public async Task Deploy_NodeFunction_CreatesFunctionWithInstalledArtifactAndWaitsForReady()
    {
        WriteNodeFunction("name: hello-node\nruntime: node\nhandler: index.js:handler\nenv:\n  - name: GREETING\n    value: hi\nscale:\n  maxScale: 3\n");

        var result = await Cli.RunAsync("deploy", _source.Path);

        Assert.True(result.ExitCode == 0, result.Error);
        var post = Assert.Single(Api.Requests, r => r.Method == "POST");
        Assert.Equal("/apis/serverless.dev/v1alpha1/namespaces/default/functions?fieldValidation=Strict", post.Path);
        Assert.StartsWith("application/json", post.ContentType, StringComparison.Ordinal);
        var sent = ResourceJson.Deserialize<Function>(post.Body);
        Assert.Equal(("hello-node", "default"), (sent.Metadata.Name, sent.Metadata.NamespaceProperty));
        Assert.Equal((RuntimeNames.Node, "index.js:handler", 3), (sent.Spec.Runtime, sent.Spec.Handler, sent.Spec.Scale?.MaxScale));
        Assert.Equal([("GREETING", "hi")], sent.Spec.Env!.Select(e => (e.Name, e.Value)));
        var artifact = sent.Spec.Source!.Path!;
        Assert.Matches("^" + Path.Combine(Cli.Home, "artifacts", "default", "hello-node") + "/[0-9a-f]{16}$", artifact);
        Assert.True(File.Exists(Path.Combine(artifact, "index.js")));
        Assert.True(File.Exists(Path.Combine(artifact, "node_modules", "dep", "index.js")));
        Assert.False(Directory.Exists(Path.Combine(artifact, ".git")));
        Assert.True(Api.Requests.Count(r => r.Method == "GET") >= 2, "it polled until Ready");
        Assert.Equal(
            "function default/hello-node is ready\nhttp://127.0.0.1:8080/default/hello-node/\n",
            result.Out.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Deploy_ExistingFunction_ReplacesWithItsResourceVersion()
    {
        WriteNodeFunction("name: hello-node\nruntime: node\n");
        Assert.Equal(0, (await Cli.RunAsync("deploy", _source.Path)).ExitCode);
        var firstArtifact = Api.Stored("default", "hello-node")!.Spec.Source!.Path;
        var versionBefore = Api.Stored("default", "hello-node")!.Metadata.ResourceVersion;
        File.WriteAllText(Path.Combine(_source.Path, "index.js"), "exports.handler = () => 'v2';");

        var result = await Cli.RunAsync("deploy", _source.Path);

        Assert.True(result.ExitCode == 0, result.Error);
        var put = Assert.Single(Api.Requests, r => r.Method == "PUT");
        Assert.Equal("/apis/serverless.dev/v1alpha1/namespaces/default/functions/hello-node?fieldValidation=Strict", put.Path);
        var sent = ResourceJson.Deserialize<Function>(put.Body);
        Assert.Equal(versionBefore, sent.Metadata.ResourceVersion);
        Assert.NotEqual(firstArtifact, sent.Spec.Source!.Path);
        Assert.Equal(2, Api.Stored("default", "hello-node")!.Metadata.Generation);
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(Cli.Home, "artifacts", "default", "hello-node")).Length);
    }

    [Fact]
    public async Task Deploy_FunctionWithTraffic_KeepsTheSplitFuncTrafficSet()
    {
        WriteNodeFunction("name: hello-node\nruntime: node\n");
        Assert.Equal(0, (await Cli.RunAsync("deploy", _source.Path, "--no-wait")).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync("traffic", "hello-node", "set", "hello-node-00001=100")).ExitCode);
        File.WriteAllText(Path.Combine(_source.Path, "index.js"), "exports.handler = () => 'v2';");

        var result = await Cli.RunAsync("deploy", _source.Path, "--no-wait");

        Assert.True(result.ExitCode == 0, result.Error);
        var stored = Api.Stored("default", "hello-node")!;
        Assert.Equal(["hello-node-00001:100"], stored.Spec.Traffic!.Select(t => $"{t.RevisionName}:{t.Percent}"));
    }

    [Fact]
    public async Task Deploy_AfterTrafficRollout_KeepsTheRolloutDuration()
    {
        WriteNodeFunction("name: hello-node\nruntime: node\n");
        Assert.Equal(0, (await Cli.RunAsync("deploy", _source.Path, "--no-wait")).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync("traffic", "hello-node", "rollout", "--duration", "5m")).ExitCode);
        File.WriteAllText(Path.Combine(_source.Path, "index.js"), "exports.handler = () => 'v2';");

        var result = await Cli.RunAsync("deploy", _source.Path, "--no-wait");

        Assert.True(result.ExitCode == 0, result.Error);
        var stored = Api.Stored("default", "hello-node")!;
        Assert.Equal(2, stored.Metadata.Generation); // the new code went out ...
        Assert.Equal("5m", stored.Metadata.Annotations![Serverless.Core.Traffic.RolloutDuration.Annotation]); // ... to roll in over 5m
    }

    [Fact]
    public async Task Deploy_WithTag_TagsTheRevisionItCutAtZeroPercent()
    {
        WriteNodeFunction("name: hello-node\nruntime: node\n");
        Assert.Equal(0, (await Cli.RunAsync("deploy", _source.Path, "--no-wait")).ExitCode);
        File.WriteAllText(Path.Combine(_source.Path, "index.js"), "exports.handler = () => 'v2';");

        var result = await Cli.RunAsync("deploy", _source.Path, "--no-wait", "--tag", "canary");

        Assert.True(result.ExitCode == 0, result.Error);
        var stored = Api.Stored("default", "hello-node")!;
        Assert.Equal(["@latest:100:", "hello-node-00002:0:canary"], stored.Spec.Traffic!.Select(t => $"{(t.LatestRevision == true ? "@latest" : t.RevisionName)}:{t.Percent}:{t.Tag}"));
        Assert.Contains("revision hello-node-00002 tagged canary", result.Out + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_ConcurrentWriter_RereadsAndRetriesThePut()
    {
        WriteNodeFunction("name: hello-node\nruntime: node\n");
        Assert.Equal(0, (await Cli.RunAsync("deploy", _source.Path, "--no-wait")).ExitCode);
        File.WriteAllText(Path.Combine(_source.Path, "index.js"), "exports.handler = () => 'v2';");
        Api.ConflictingPuts = 2;

        var result = await Cli.RunAsync("deploy", _source.Path, "--no-wait");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(3, Api.Requests.Count(r => r.Method == "PUT"));
        Assert.Equal(3, Api.Requests.Count(r => r.Method == "GET"));
        Assert.Equal(2, Api.Stored("default", "hello-node")!.Metadata.Generation);
    }

    [Fact]
    public async Task Deploy_ConflictEveryTime_GivesUpAfterFiveAttempts()
    {
        WriteNodeFunction("name: hello-node\nruntime: node\n");
        Assert.Equal(0, (await Cli.RunAsync("deploy", _source.Path, "--no-wait")).ExitCode);
        File.WriteAllText(Path.Combine(_source.Path, "index.js"), "exports.handler = () => 'v2';");
        Api.ConflictingPuts = 100;

        var result = await Cli.RunAsync("deploy", _source.Path, "--no-wait");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(5, Api.Requests.Count(r => r.Method == "PUT"));
        Assert.Contains("the object has been modified", result.Error, StringComparison.Ordinal);
        Assert.Contains("try again", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_NamespaceInFuncYaml_UsedWithoutFlag()
    {
        WriteNodeFunction("name: hello-node\nnamespace: from-yaml\nruntime: node\n");

        var result = await Cli.RunAsync("deploy", _source.Path, "--no-wait");

        Assert.Equal(0, result.ExitCode);
        Assert.Single(Api.Requests, r => r.Method == "POST" && r.Path.Contains("/namespaces/from-yaml/", StringComparison.Ordinal));
        Assert.True(Directory.Exists(Path.Combine(Cli.Home, "artifacts", "from-yaml", "hello-node")));
    }

    [Fact]
    public async Task Deploy_NamespaceFlag_OverridesFuncYaml()
    {
        WriteNodeFunction("name: hello-node\nnamespace: from-yaml\nruntime: node\n");

        var result = await Cli.RunAsync("deploy", _source.Path, "--namespace", "from-flag", "--no-wait");

        Assert.Equal(0, result.ExitCode);
        Assert.Single(Api.Requests, r => r.Method == "POST" && r.Path.Contains("/namespaces/from-flag/", StringComparison.Ordinal));
        Assert.DoesNotContain(Api.Requests, r => r.Method == "GET");
    }

    [Fact]
    public async Task Deploy_Invalid_PrintsEveryFieldErrorAndExits1()
    {
        WriteNodeFunction("name: hello-node\nruntime: node\nscale:\n  maxScale: -1\n  target: 0\n");
        Api.Validate = f => Fakes.FakeAdminApi.Status(
            422, "Invalid", "Function.serverless.dev \"hello-node\" is invalid", "hello-node",
            ("spec.scale.maxScale", "must be >= 0 (got -1)"), ("spec.scale.target", "must be > 0 (got 0)"));

        var result = await Cli.RunAsync("deploy", _source.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("spec.scale.maxScale: must be >= 0 (got -1)", result.Error, StringComparison.Ordinal);
        Assert.Contains("spec.scale.target: must be > 0 (got 0)", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Api.Requests, r => r.Method == "GET");
    }

    [Fact]
    public async Task Deploy_LimitsNotEnforced_ReadyButWarnsWithTheReason()
    {
        WriteNodeFunction("name: hello-node\nruntime: node\n");
        Api.ExtraConditions.Add(new k8s.Models.V1Condition
        {
            Type = ConditionTypes.ResourcesEnforced,
            Status = ConditionStatus.False,
            Reason = "NotEnforced",
            Message = "limits not enforced here: memory; the function runs without them (no cgroup)",
        });

        var result = await Cli.RunAsync("deploy", _source.Path);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains(
            "warning: ResourcesEnforced=False (NotEnforced): limits not enforced here: memory; the function runs without them (no cgroup)",
            result.Error,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_ReadyFalseCrashLoop_PrintsReasonAndExits1()
    {
        WriteNodeFunction("name: hello-node\nruntime: node\n");
        Api.FailWith = ("CrashLoop", "instance exited with code 1: TypeError: handler is not a function");

        var result = await Cli.RunAsync("deploy", _source.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("CrashLoop: instance exited with code 1: TypeError: handler is not a function", result.Error, StringComparison.Ordinal);
        Assert.Contains("func describe hello-node", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_NeverReady_TimesOutWithLastConditionAndExits1()
    {
        WriteNodeFunction("name: hello-node\nruntime: node\n");
        Api.GetsUntilStatus = int.MaxValue;

        var result = await Cli.RunAsync("deploy", _source.Path, "--timeout", "1");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("function default/hello-node is not ready after 1 s: NotObserved", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_NoFuncYaml_ExplainsAndExits1()
    {
        var result = await Cli.RunAsync("deploy", _source.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"no func.yaml in {_source.Path}: run `func create` or pass the function's directory", result.Error, StringComparison.Ordinal);
        Assert.Empty(Api.Requests);
    }

    [Fact]
    public async Task Deploy_UnknownKey_NamesKeyAndFileAndExits1()
    {
        WriteNodeFunction("name: hello-node\nruntime: node\nminScale: 1\n");

        var result = await Cli.RunAsync("deploy", _source.Path);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(Path.Combine(_source.Path, "func.yaml") + ":3: unknown key \"minScale\"", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_AdminToken_SentAsBearer()
    {
        WriteNodeFunction("name: hello-node\nruntime: node\n");
        Cli.Environment["SERVERLESS_ADMIN_TOKEN"] = "s3cret";

        await Cli.RunAsync("deploy", _source.Path, "--no-wait");

        Assert.All(Api.Requests, r => Assert.Equal("Bearer s3cret", r.Authorization));
    }

    [Fact]
    public async Task Deploy_TokenFileInHome_SentAsBearer()
    {
        WriteNodeFunction("name: hello-node\nruntime: node\n");
        File.WriteAllText(Path.Combine(Cli.Home, "admin-token"), "generated\n");

        await Cli.RunAsync("deploy", _source.Path, "--no-wait");

        Assert.NotEmpty(Api.Requests);
        Assert.All(Api.Requests, r => Assert.Equal("Bearer generated", r.Authorization));
    }

    [Fact]
    public async Task Deploy_TokenFileAndVariable_VariableWins()
    {
        WriteNodeFunction("name: hello-node\nruntime: node\n");
        File.WriteAllText(Path.Combine(Cli.Home, "admin-token"), "generated\n");
        Cli.Environment["SERVERLESS_ADMIN_TOKEN"] = "s3cret";

        await Cli.RunAsync("deploy", _source.Path, "--no-wait");

        Assert.NotEmpty(Api.Requests);
        Assert.All(Api.Requests, r => Assert.Equal("Bearer s3cret", r.Authorization));
    }

    private void WriteNodeFunction(string funcYaml)
    {
        ArtifactFiles.Write(
            _source.Path,
            ("func.yaml", funcYaml),
            ("index.js", "exports.handler = () => 'hi';"),
            ("node_modules/dep/index.js", "module.exports = 1;"),
            (".git/HEAD", "ref: refs/heads/main"));
    }
}
