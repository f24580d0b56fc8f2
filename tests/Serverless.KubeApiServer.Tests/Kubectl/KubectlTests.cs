using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.TestSupport;

namespace Serverless.KubeApiServer.Tests.Kubectl;

/// <summary>
/// The real kubectl (v1.32) against the double: discovery, OpenAPI (it checks the server validates fields), tables,
/// client-side and server-side apply with their managers and conflicts, label, scale, and the server's refusals.
/// </summary>
public sealed class KubectlTests : IAsyncLifetime
{
    private const string Manifest = """
        apiVersion: serverless.dev/v1alpha1
        kind: Function
        metadata:
          name: hello
        spec:
          runtime: node
          handler: index.js:handle
          image: ghcr.io/x/y:1
        """;

    private readonly TempDirectory _dir = new("kubectl");
    private KubeApiDouble _api = null!;
    private KubectlCli _kubectl = null!;

    public async Task InitializeAsync()
    {
        _api = await KubeApiDouble.StartAsync();
        _kubectl = new KubectlCli(_api.WriteKubeconfig(Path.Combine(_dir.Path, "config"), "admin", "team"), _dir.Path);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        _dir.Dispose();
    }

    [KubectlFact]
    public async Task Apply_ThenGet_CreatesAndPrintsPrinterColumns()
    {
        var applied = await _kubectl.ApplyAsync(Manifest);
        var listed = await _kubectl.RunAsync("get", "fn", "-o", "wide");

        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.Contains("function.serverless.dev/hello created", applied.StdOut, StringComparison.Ordinal);
        Assert.Matches(@"NAME\s+READY\s+REASON\s+REPLICAS\s+URL\s+RUNTIME\s+AGE", listed.StdOut);
        Assert.Matches(@"hello\s+node\s+\d+s", listed.StdOut);
    }

    /// <summary>Issue #17: Revisions as the controller writes them, listed with deploy/crds/revisions.yaml's columns; the spec is immutable.</summary>
    [KubectlFact]
    public async Task GetRevisions_AsTheControllerWritesThem_PrintsTheColumnsAndRefusesASpecEdit()
    {
        foreach (var (name, ready, percent) in new[] { ("hello-00001", "True", 90), ("hello-00002", "Unknown", 10) })
        {
            _api.CreateObject(ResourceTypes.Revisions, "team", JsonNode.Parse($$$"""
                {"apiVersion":"serverless.dev/v1alpha1","kind":"Revision",
                 "metadata":{"name":"{{{name}}}","labels":{"serverless.dev/function":"hello"}},
                 "spec":{"function":"hello","contentHash":"hash-{{{name}}}","runtime":"node","handler":"index.js:handle"},
                 "status":{"conditions":[{"type":"Ready","status":"{{{ready}}}","reason":"Reason{{{percent}}}","message":"m","lastTransitionTime":"2026-12-07T00:00:00Z"}],
                           "replicas":1,"readyReplicas":1,"trafficPercent":{{{percent}}}}}
                """)!.AsObject());
        }

        var listed = await _kubectl.RunAsync("get", "revisions", "-l", "serverless.dev/function=hello", "-o", "wide");
        var edited = await _kubectl.RunAsync("patch", "rev", "hello-00001", "--type=merge", "-p", """{"spec":{"handler":"other.js:handle"}}""");

        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Matches(@"NAME\s+FUNCTION\s+READY\s+REASON\s+TRAFFIC\s+REPLICAS\s+HASH\s+AGE", listed.StdOut);
        Assert.Matches(@"hello-00001\s+hello\s+True\s+Reason90\s+90\s+1\s+hash-hello-00001\s+\d+", listed.StdOut);
        Assert.Matches(@"hello-00002\s+hello\s+Unknown\s+Reason10\s+10\s+1\s+hash-hello-00002\s+\d+", listed.StdOut);
        Assert.NotEqual(0, edited.ExitCode);
        Assert.Contains("a Revision's spec is immutable", edited.StdErr, StringComparison.Ordinal);
    }

    [KubectlFact]
    public async Task Apply_Changed_ConfiguresThroughClientSideApply()
    {
        await _kubectl.ApplyAsync(Manifest);

        var applied = await _kubectl.ApplyAsync(Manifest.Replace("y:1", "y:2", StringComparison.Ordinal));

        Assert.Contains("function.serverless.dev/hello configured", applied.StdOut, StringComparison.Ordinal);
        Assert.Equal("ghcr.io/x/y:2", _api.GetObject(ResourceTypes.Functions, "team", "hello")!["spec"]!["image"]!.GetValue<string>());
    }

    [KubectlFact]
    public async Task ServerSideApply_FieldOfClientSideApply_ConflictsUntilForced()
    {
        await _kubectl.ApplyAsync(Manifest);
        var changed = Manifest.Replace("y:1", "y:3", StringComparison.Ordinal);

        var conflict = await _kubectl.ApplyAsync(changed, "--server-side");
        var forced = await _kubectl.ApplyAsync(changed, "--server-side", "--force-conflicts");

        Assert.NotEqual(0, conflict.ExitCode);
        Assert.Contains("conflict with \"kubectl-client-side-apply\"", conflict.StdErr, StringComparison.Ordinal);
        Assert.Contains(".spec.image", conflict.StdErr, StringComparison.Ordinal);
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.DoesNotContain("Warning", forced.StdErr, StringComparison.Ordinal);
        Assert.Equal("ghcr.io/x/y:3", _api.GetObject(ResourceTypes.Functions, "team", "hello")!["spec"]!["image"]!.GetValue<string>());
    }

    [KubectlFact]
    public async Task LabelAndScale_UpdateTheFunction()
    {
        await _kubectl.ApplyAsync(Manifest);

        var labelled = await _kubectl.RunAsync("label", "fn", "hello", "tier=web");
        var scaled = await _kubectl.RunAsync("scale", "fn", "hello", "--replicas=2");

        Assert.True(labelled.ExitCode == 0 && scaled.ExitCode == 0, labelled + "\n" + scaled);
        var function = _api.GetObject(ResourceTypes.Functions, "team", "hello")!;
        Assert.Equal("web", function["metadata"]!["labels"]!["tier"]!.GetValue<string>());
        Assert.Equal(2, function["spec"]!["scale"]!["minScale"]!.GetValue<int>());
    }

    [KubectlFact]
    public async Task Apply_InvalidSpec_PrintsTheServersCauses()
    {
        var applied = await _kubectl.ApplyAsync(Manifest.Replace("runtime: node", "runtime: ruby", StringComparison.Ordinal));

        Assert.NotEqual(0, applied.ExitCode);
        Assert.Contains("spec.runtime: Unsupported value: \"ruby\"", applied.StdErr, StringComparison.Ordinal);
    }

    [KubectlFact]
    public async Task Apply_UnknownField_RefusedByStrictFieldValidation()
    {
        var applied = await _kubectl.ApplyAsync(Manifest.Replace("  image:", "  bogus: 1\n  image:", StringComparison.Ordinal));

        Assert.NotEqual(0, applied.ExitCode);
        Assert.Contains("strict decoding error: unknown field \"spec.bogus\"", applied.StdErr, StringComparison.Ordinal);
    }

    [KubectlFact]
    public async Task Delete_RemovesTheFunction()
    {
        await _kubectl.ApplyAsync(Manifest);

        var deleted = await _kubectl.RunAsync("delete", "fn", "hello");

        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Null(_api.GetObject(ResourceTypes.Functions, "team", "hello"));
    }
}
