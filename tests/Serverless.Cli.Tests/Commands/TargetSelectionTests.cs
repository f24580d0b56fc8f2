using Serverless.Cli.Tests.Fakes;

namespace Serverless.Cli.Tests.Commands;

/// <summary>The global --kube/--context/--namespace flags, on every command, with no Kubernetes target in the context.</summary>
public sealed class TargetSelectionTests : CommandTestBase
{
    [Theory]
    [InlineData("list", "--kube")]
    [InlineData("--kube", "list")]
    [InlineData("describe", "hello", "--context", "kind-dev")]
    [InlineData("top", "--once", "--kube")]
    [InlineData("logs", "hello", "--kube", "-n", "team")]
    public async Task Command_KubeWithoutKubernetesTarget_Exit1WithAlternative(params string[] args)
    {
        var result = await Cli.RunAsync(args);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("the Kubernetes target is not available in this build of func", result.Error, StringComparison.Ordinal);
        Assert.Contains("drop --kube/--context", result.Error, StringComparison.Ordinal);
        Assert.Empty(Api.Requests);
    }

    [Fact]
    public async Task List_NamespaceBeforeTheCommand_AppliesAsAGlobalOption()
    {
        var result = await Cli.RunAsync("-n", "team", "list");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(Api.Requests, r => r.Path == "/apis/serverless.dev/v1alpha1/namespaces/team/functions");
    }

    [Fact]
    public async Task Status_Json_HasTheTableFields()
    {
        var result = await Cli.RunAsync("status", "-o", "json");

        Assert.True(result.ExitCode == 0, result.Error);
        using var json = System.Text.Json.JsonDocument.Parse(result.Out);
        Assert.Equal(
            ["status", "pid", "startedAt", "ingressUrl", "adminUrl", "adminToken", "home", "functions"],
            json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("running", json.RootElement.GetProperty("status").GetString());
    }
}
