using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Kubectl;

/// <summary>
/// Issue #19 item 5: the real kubectl (v1.32) against the real platform process through the kubeconfig of
/// <c>func kubeconfig</c>. Each case asserts on kubectl's output and on the object the admin API stored.
/// </summary>
public sealed class KubectlTests : IClassFixture<KubectlFixture>
{
    private const string Functions = "apis/serverless.dev/v1alpha1/namespaces/default/functions";

    private readonly KubectlFixture _fixture;

    public KubectlTests(KubectlFixture fixture)
    {
        _fixture = fixture;
    }

    private TestSupport.Kubectl Kubectl => _fixture.Kubectl;

    [Fact]
    public async Task ApiResourcesAndVersions_Discovery_ListsFunctionsWithShortNameAndTheGroup()
    {
        var resources = await RunOkAsync("api-resources");
        var versions = await RunOkAsync("api-versions");
        var explained = await RunOkAsync("explain", "fn.spec.scale");

        var functions = Assert.Single(Lines(resources), l => l.StartsWith("functions ", StringComparison.Ordinal));
        Assert.Equal(["functions", "fn", "serverless.dev/v1alpha1", "true", "Function"], Words(functions));
        Assert.Contains(Lines(resources), l => Words(l) is ["namespaces", "ns", "v1", "false", "Namespace"]);
        Assert.Contains("serverless.dev/v1alpha1", Lines(versions));
        Assert.Contains("KIND:       Function", explained, StringComparison.Ordinal);
        Assert.Contains("minScale\t<integer>", explained, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRevisions_AfterDeploy_ListsTheFunctionsRevisionWithItsColumns()
    {
        await RunOkAsync("create", "-f", await ManifestAsync("k-rev", "app: k-rev"));

        // The controller cuts k-rev-00001 and marks it ready once its instance is; bounded wait.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string table;
        do
        {
            table = await RunOkAsync("get", "revisions", "-l", "serverless.dev/function=k-rev");
            if (Lines(table).Skip(1).Any(l => Words(l) is ["k-rev-00001", "k-rev", "True", ..]))
            {
                break;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);
        var shortName = await RunOkAsync("get", "rev", "k-rev-00001", "-o", "jsonpath={.spec.function}");

        Assert.Equal(["NAME", "FUNCTION", "READY", "REASON", "TRAFFIC", "REPLICAS", "AGE"], Words(Lines(table)[0]));
        Assert.Equal(["k-rev-00001", "k-rev", "True", "InstancesReady", "100"], Words(Lines(table)[1])[..5]);
        Assert.Equal("k-rev", shortName.Trim());
    }

    [Fact]
    public async Task CreateGet_Function_PrinterColumnsJsonYamlAndWide()
    {
        var created = await RunOkAsync("create", "-f", await ManifestAsync("k-get", "app: k-get"));
        var table = await RunOkAsync("get", "fn", "k-get");
        var wide = await RunOkAsync("get", "fn", "k-get", "-o", "wide");
        var json = await RunOkAsync("get", "fn", "k-get", "-o", "json");
        var yaml = await RunOkAsync("get", "functions.serverless.dev", "k-get", "-o", "yaml");

        Assert.Equal("function.serverless.dev/k-get created", created.Trim());
        Assert.Equal(["NAME", "READY", "REASON", "REPLICAS", "URL", "AGE"], Words(Lines(table)[0]));
        Assert.Equal("k-get", Words(Lines(table)[1])[0]);
        Assert.Equal(["NAME", "READY", "REASON", "REPLICAS", "URL", "RUNTIME", "AGE"], Words(Lines(wide)[0]));
        Assert.Contains("dotnet", Words(Lines(wide)[1]));
        Assert.Equal("k-get", JsonNode.Parse(json)!["metadata"]!["name"]!.GetValue<string>());
        Assert.Contains("kind: Function", yaml, StringComparison.Ordinal);
        Assert.Contains("  name: k-get", yaml, StringComparison.Ordinal);
        Assert.Equal("k-get", (await StoredAsync("k-get"))["metadata"]!["labels"]!["app"]!.GetValue<string>());
    }

    [Fact]
    public async Task LabelAnnotateScalePatch_Function_StoredAsKubernetesWouldStoreThem()
    {
        await RunOkAsync("create", "-f", await ManifestAsync("k-patch", "app: k-patch"));

        var labeled = await RunOkAsync("label", "fn", "k-patch", "tier=gold");
        var annotated = await RunOkAsync("annotate", "fn", "k-patch", "owner=team-a");
        var scaled = await RunOkAsync("scale", "fn", "k-patch", "--replicas=2");
        var merged = await RunOkAsync("patch", "fn", "k-patch", "--type", "merge", "-p", "{\"spec\":{\"timeoutSeconds\":41}}");
        var jsonPatched = await RunOkAsync("patch", "fn", "k-patch", "--type", "json", "-p", "[{\"op\":\"replace\",\"path\":\"/spec/scale/maxScale\",\"value\":5}]");
        var strategic = await Kubectl.RunAsync("patch", "fn", "k-patch", "-p", "{\"spec\":{\"timeoutSeconds\":42}}");

        Assert.Equal("function.serverless.dev/k-patch labeled", labeled.Trim());
        Assert.Equal("function.serverless.dev/k-patch annotated", annotated.Trim());
        Assert.Equal("function.serverless.dev/k-patch scaled", scaled.Trim());
        Assert.Equal("function.serverless.dev/k-patch patched", merged.Trim());
        Assert.Equal("function.serverless.dev/k-patch patched", jsonPatched.Trim());
        Assert.NotEqual(0, strategic.ExitCode);
        Assert.Contains("application/strategic-merge-patch+json is not supported", strategic.StdErr, StringComparison.Ordinal);
        var stored = await StoredAsync("k-patch");
        Assert.Equal("gold", stored["metadata"]!["labels"]!["tier"]!.GetValue<string>());
        Assert.Equal("team-a", stored["metadata"]!["annotations"]!["owner"]!.GetValue<string>());
        Assert.Equal(2, stored["spec"]!["scale"]!["minScale"]!.GetValue<int>());
        Assert.Equal(5, stored["spec"]!["scale"]!["maxScale"]!.GetValue<int>());
        Assert.Equal(41, stored["spec"]!["timeoutSeconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task Apply_CreateUpdateAndServerSide_StoredEachTime()
    {
        var path = await ManifestAsync("k-apply", "app: k-apply", timeoutSeconds: 30);
        var created = await RunOkAsync("apply", "-f", path);
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace("timeoutSeconds: 30", "timeoutSeconds: 31", StringComparison.Ordinal));
        var updated = await RunOkAsync("apply", "-f", path);
        var afterClientSide = await StoredAsync("k-apply");
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace("timeoutSeconds: 31", "timeoutSeconds: 32", StringComparison.Ordinal));
        var conflicting = await Kubectl.RunAsync("apply", "--server-side", "-f", path);
        var serverSide = await RunOkAsync("apply", "--server-side", "--force-conflicts", "-f", path);
        var stored = await StoredAsync("k-apply");

        Assert.Equal("function.serverless.dev/k-apply created", created.Trim());
        Assert.Equal("function.serverless.dev/k-apply configured", updated.Trim());
        Assert.Equal(31, afterClientSide["spec"]!["timeoutSeconds"]!.GetValue<int>());
        Assert.NotNull(afterClientSide["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]);
        // As on a real server: the field client-side apply set belongs to its manager until the apply is forced.
        Assert.NotEqual(0, conflicting.ExitCode);
        Assert.Contains("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\"", conflicting.StdErr, StringComparison.Ordinal);
        Assert.Contains(".spec.timeoutSeconds", conflicting.StdErr, StringComparison.Ordinal);
        Assert.Equal("function.serverless.dev/k-apply serverside-applied", serverSide.Trim());
        Assert.Equal(32, stored["spec"]!["timeoutSeconds"]!.GetValue<int>());
        Assert.Contains(
            stored["metadata"]!["managedFields"]!.AsArray(),
            e => e!["manager"]!.GetValue<string>() == "kubectl" && e["operation"]!.GetValue<string>() == "Apply"
                && e["fieldsV1"]!["f:spec"]!["f:timeoutSeconds"] is not null);
    }

    [Fact]
    public async Task ReplaceAndEdit_Function_StoredWithTheChange()
    {
        await RunOkAsync("create", "-f", await ManifestAsync("k-edit", "app: k-edit", timeoutSeconds: 30));
        var path = Path.Combine(_fixture.WorkDirectory, "k-edit-replace.yaml");

        // The controller writes status meanwhile: a replace from a read it overtook is a 409, and the user reads again.
        ProcessRunner.Result replace;
        var attempts = 0;
        do
        {
            var yaml = await RunOkAsync("get", "fn", "k-edit", "-o", "yaml");
            await File.WriteAllTextAsync(path, yaml.Replace("timeoutSeconds: 30", "timeoutSeconds: 33", StringComparison.Ordinal));
            replace = await Kubectl.RunAsync("replace", "-f", path);
            attempts++;
        }
        while (replace.ExitCode != 0 && replace.StdErr.Contains("(Conflict)", StringComparison.Ordinal) && attempts < 5);

        Assert.True(replace.ExitCode == 0, replace.ToString());
        var replaced = replace.StdOut;
        var afterReplace = await StoredAsync("k-edit");
        var edited = await Kubectl.RunAsync(
            new Dictionary<string, string?> { ["KUBE_EDITOR"] = "sed -i s/timeoutSeconds:.33/timeoutSeconds:\\ 34/" }, "edit", "fn", "k-edit");

        Assert.Equal("function.serverless.dev/k-edit replaced", replaced.Trim());
        Assert.Equal(33, afterReplace["spec"]!["timeoutSeconds"]!.GetValue<int>());
        Assert.True(edited.ExitCode == 0, edited.ToString());
        Assert.Equal("function.serverless.dev/k-edit edited", edited.StdOut.Trim());
        Assert.Equal(34, (await StoredAsync("k-edit"))["spec"]!["timeoutSeconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task Describe_Function_ShowsSpecAndStatus()
    {
        await RunOkAsync("create", "-f", await ManifestAsync("k-describe", "app: k-describe"));

        var described = await RunOkAsync("describe", "fn", "k-describe");

        Assert.Contains(Lines(described), l => Words(l) is ["Name:", "k-describe"]);
        Assert.Contains(Lines(described), l => Words(l) is ["Labels:", "app=k-describe"]);
        Assert.Contains(Lines(described), l => Words(l) is ["Runtime:", "dotnet"]);
        Assert.Contains("Min Scale:", described, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelectorsAndDeleteByLabel_OnlyTheSelectedAreListedAndDeleted()
    {
        await RunOkAsync("create", "-f", await ManifestAsync("k-sel-a", "group: k-sel"));
        await RunOkAsync("create", "-f", await ManifestAsync("k-sel-b", "group: k-sel"));
        await RunOkAsync("create", "-f", await ManifestAsync("k-sel-c", "group: k-other"));

        var selected = await RunOkAsync("get", "fn", "-l", "group in (k-sel)", "-o", "name");
        var notSelected = await RunOkAsync("get", "fn", "-l", "group=k-other,group!=k-sel", "-o", "name");
        var byField = await RunOkAsync("get", "fn", "--field-selector", "metadata.name=k-sel-b", "-o", "name");
        var invalid = await Kubectl.RunAsync("get", "fn", "-l", "group in (");
        var deleted = await RunOkAsync("delete", "fn", "-l", "group=k-sel");

        Assert.Equal(["function.serverless.dev/k-sel-a", "function.serverless.dev/k-sel-b"], Lines(selected));
        Assert.Equal(["function.serverless.dev/k-sel-c"], Lines(notSelected));
        Assert.Equal(["function.serverless.dev/k-sel-b"], Lines(byField));
        Assert.NotEqual(0, invalid.ExitCode);
        Assert.Contains("(BadRequest)", invalid.StdErr, StringComparison.Ordinal);
        Assert.Equal(["function.serverless.dev \"k-sel-a\" deleted", "function.serverless.dev \"k-sel-b\" deleted"], Lines(deleted));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync("k-sel-a"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync("k-sel-b"));
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync("k-sel-c"));
    }

    [Fact]
    public async Task GetWatch_LabelChangedWhileWatching_PrintsTheNewRowAndEndsAtTheTimeout()
    {
        await RunOkAsync("create", "-f", await ManifestAsync("k-watch", "app: k-watch"));

        var watching = Kubectl.RunAsync("get", "fn", "k-watch", "-w", "--request-timeout=6s");
        await Task.Delay(TimeSpan.FromSeconds(2));
        await RunOkAsync("label", "fn", "k-watch", "seen=yes");
        var watched = await watching;

        Assert.True(watched.ExitCode == 0, watched.ToString());
        var rows = Lines(watched.StdOut);
        Assert.Equal(["NAME", "READY", "REASON", "REPLICAS", "URL", "AGE"], Words(rows[0]));
        Assert.True(rows.Count(r => r.StartsWith("k-watch ", StringComparison.Ordinal)) >= 2, watched.ToString());
        Assert.Equal("yes", (await StoredAsync("k-watch"))["metadata"]!["labels"]!["seen"]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_WithAFinalizer_MarkedUntilTheFinalizerIsRemoved()
    {
        var path = await ManifestAsync("k-final", "app: k-final");
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace("  labels:", "  finalizers: [\"example.com/hold\"]\n  labels:", StringComparison.Ordinal));
        await RunOkAsync("create", "-f", path);

        var deleted = await RunOkAsync("delete", "fn", "k-final", "--wait=false");
        var marked = await StoredAsync("k-final");
        var released = await RunOkAsync("patch", "fn", "k-final", "--type", "merge", "-p", "{\"metadata\":{\"finalizers\":null}}");
        var waited = await RunOkAsync("delete", "fn", "k-final", "--ignore-not-found", "--wait");

        Assert.Equal("function.serverless.dev \"k-final\" deleted", deleted.Trim());
        Assert.NotNull(marked["metadata"]!["deletionTimestamp"]);
        Assert.Equal("example.com/hold", marked["metadata"]!["finalizers"]![0]!.GetValue<string>());
        Assert.Equal("function.serverless.dev/k-final patched", released.Trim());
        Assert.Equal("", waited.Trim());
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync("k-final"));
    }

    [Fact]
    public async Task Namespaces_GetAndCreate_TheCreatedOneIsListed()
    {
        var created = await RunOkAsync("create", "ns", "k-team");
        var one = await RunOkAsync("get", "ns", "k-team", "-o", "json");
        var all = await RunOkAsync("get", "ns", "-o", "name");
        var again = await Kubectl.RunAsync("create", "ns", "k-team");

        Assert.Equal("namespace/k-team created", created.Trim());
        Assert.Equal("Active", JsonNode.Parse(one)!["status"]!["phase"]!.GetValue<string>());
        Assert.Contains("namespace/default", Lines(all));
        Assert.Contains("namespace/k-team", Lines(all));
        Assert.NotEqual(0, again.ExitCode);
        Assert.Contains("AlreadyExists", again.StdErr, StringComparison.Ordinal);
    }

    private async Task<string> RunOkAsync(params string[] arguments)
    {
        var result = await Kubectl.RunAsync(arguments);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', arguments)}: {result}");
        return result.StdOut;
    }

    /// <summary>A Function manifest (the built dotnet test function) in the work directory; returns its path.</summary>
    private async Task<string> ManifestAsync(string name, string label, int timeoutSeconds = 30)
    {
        var path = Path.Combine(_fixture.WorkDirectory, name + ".yaml");
        await File.WriteAllTextAsync(path, $"""
            apiVersion: serverless.dev/v1alpha1
            kind: Function
            metadata:
              name: {name}
              labels:
                {label}
            spec:
              runtime: dotnet
              handler: "DotnetTest::DotnetTest.Handlers::Echo"
              timeoutSeconds: {timeoutSeconds}
              source:
                path: {RepoPaths.Built("testassets", "functions", "dotnet-test")}

            """);
        return path;
    }

    private async Task<JsonObject> StoredAsync(string name)
    {
        using var response = await _fixture.Admin.GetAsync(Functions + "/" + name);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private async Task<HttpStatusCode> StatusOfAsync(string name)
    {
        using var response = await _fixture.Admin.GetAsync(Functions + "/" + name);
        return response.StatusCode;
    }

    private static List<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
