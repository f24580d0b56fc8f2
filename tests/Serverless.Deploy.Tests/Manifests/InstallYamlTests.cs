using Serverless.Deploy.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Deploy.Tests.Manifests;

/// <summary>deploy/install.yaml is what scripts/gen-install makes of the parts listed in deploy/kustomization.yaml.</summary>
public sealed class InstallYamlTests
{
    private static readonly string[] KustomizationResources = YamlToJson.LoadAll(DeployFiles.Read("kustomization.yaml"))[0]["resources"]!
        .AsArray().Select(r => (string)r!).ToArray();

    [Fact]
    public async Task GenInstall_Check_FindsInstallYamlUpToDate()
    {
        var result = await ProcessRunner.RunAsync("bash", [Path.Combine(RepoPaths.Root, "scripts", "gen-install"), "--check"], timeout: TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 0, "run scripts/gen-install and commit deploy/install.yaml\n" + result);
    }

    [Fact]
    public void InstallYaml_Documents_AreThePartsInKustomizationOrder()
    {
        var install = YamlToJson.LoadAll(File.ReadAllText(DeployFiles.Install));
        var parts = KustomizationResources.SelectMany(DeployFiles.Load).Select(d => d.Node).ToArray();

        Assert.Equal(parts.Length, install.Count);
        for (var i = 0; i < parts.Length; i++)
        {
            Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(parts[i], install[i]), $"document {i} ({parts[i]["kind"]}) differs");
        }
    }

    [Fact]
    public void Kustomization_Resources_AreEveryPartButMonitoringWithTheNamespaceAndCrdsFirst()
    {
        Assert.Equal(DeployFiles.Parts.Where(p => !TypedManifests.IsMonitoring(p)).Order(StringComparer.Ordinal), KustomizationResources.Order(StringComparer.Ordinal));

        // kubectl apply -f creates in file order: the namespace before anything in it, CRDs before anything using them.
        Assert.Equal("namespace.yaml", KustomizationResources[0]);
        Assert.All(KustomizationResources[1..4], r => Assert.StartsWith("crds/", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GenInstall_RegistryOverride_RewritesOnlyImagePrefixes()
    {
        var result = await ProcessRunner.RunAsync(
            "bash",
            [Path.Combine(RepoPaths.Root, "scripts", "gen-install"), "--stdout"],
            new Dictionary<string, string?> { ["SERVERLESS_IMAGE_REGISTRY"] = "registry.example.com/team" },
            timeout: TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 0, result.ToString());
        var images = YamlToJson.LoadAll(result.StdOut)
            .Where(d => (string?)d["kind"] == "Deployment")
            .Select(d => (string?)d["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
        Assert.Equal(Enumerable.Repeat("registry.example.com/team/platform:0.1.0", 4), images);
        Assert.Contains("value: registry.example.com/team\n", result.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("ghcr.io", result.StdOut, StringComparison.Ordinal);
    }
}
