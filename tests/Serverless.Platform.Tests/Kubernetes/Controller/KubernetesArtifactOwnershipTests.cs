using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.Hosting.KubeApi.Resources;
using static Serverless.Backends.Kubernetes.Tests.KubeTestObjects;

namespace Serverless.Platform.Tests.Kubernetes.Controller;

/// <summary>
/// Issue #17: a Revision's artifact ConfigMap is owned by every Revision that runs it, so the garbage collector deletes
/// it with the last of them, even when they are deleted while no controller runs (the controller used to note the
/// artifact only when it saw the deletion, and one deleted meanwhile leaked).
/// </summary>
public sealed class KubernetesArtifactOwnershipTests
{
    private const string Ns = "team-a";

    [Fact]
    public async Task RevisionsDeletedWhileTheControllerIsStopped_TheirArtifactGoesAndAnArtifactStillRunSurvives()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        foreach (var name in new[] { "hello-aaaaaaaaaa", "hello-bbbbbbbbbb" })
        {
            await harness.User.CoreV1.CreateNamespacedConfigMapAsync(
                new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name }, BinaryData = new Dictionary<string, byte[]> { ["function.tar.gz"] = [1] } }, Ns);
        }

        // hello-00001 and hello-00002 run artifact a (an env change); hello-00003 runs b and takes the traffic.
        await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null, f => f.Spec.Source = new FunctionSource { ConfigMap = "hello-aaaaaaaaaa" }));
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "hello-00001 is Ready");
        await harness.PatchFunctionAsync(Ns, "hello", new JsonObject { ["spec"] = new JsonObject { ["env"] = new JsonArray(new JsonObject { ["name"] = "GREETING", ["value"] = "v2" }) } });
        await KubeControllerHarness.UntilAsync(() => harness.GetFunction(Ns, "hello")?.Status?.LatestReadyRevision == "hello-00002", "hello-00002 is Ready");
        await harness.PatchFunctionAsync(Ns, "hello", new JsonObject { ["spec"] = new JsonObject { ["source"] = new JsonObject { ["configMap"] = "hello-bbbbbbbbbb" } } });
        await KubeControllerHarness.UntilAsync(() => harness.GetFunction(Ns, "hello")?.Status?.LatestReadyRevision == "hello-00003", "hello-00003 is Ready");

        Assert.Equal([("hello-00001", Uid(harness, "hello-00001")), ("hello-00002", Uid(harness, "hello-00002"))], Owners(harness, "hello-aaaaaaaaaa"));
        Assert.Equal([("hello-00003", Uid(harness, "hello-00003"))], Owners(harness, "hello-bbbbbbbbbb"));

        await harness.StopControllerAsync();
        await DeleteRevisionAsync(harness, "hello-00001");
        harness.Api.CollectGarbage();
        // Still run by hello-00002: kept, and no longer owned by the Revision that is gone (as the garbage collector does).
        Assert.Equal([("hello-00002", Uid(harness, "hello-00002"))], Owners(harness, "hello-aaaaaaaaaa"));

        await DeleteRevisionAsync(harness, "hello-00002");
        harness.Api.CollectGarbage();
        Assert.Null(harness.Api.GetObject(ResourceTypes.ConfigMaps, Ns, "hello-aaaaaaaaaa"));

        harness.StartController();
        await KubeControllerHarness.UntilAsync(() => harness.Controller.HasSynced && harness.IsReady(Ns, "hello"), "the restarted controller keeps hello Ready");
        Assert.Null(harness.Api.GetObject(ResourceTypes.ConfigMaps, Ns, "hello-aaaaaaaaaa"));
        Assert.NotNull(harness.Api.GetObject(ResourceTypes.ConfigMaps, Ns, "hello-bbbbbbbbbb"));
        Assert.Equal("hello-bbbbbbbbbb", harness.GetDeployment(Ns, "hello-00003")?.Spec.Template.Spec.Volumes.First(v => v.Name == "artifact").ConfigMap.Name);
    }

    [Fact]
    public async Task ArtifactWithAnOwnerOfItsOwn_TheRevisionIsAddedBesideIt_AndItKeepsTheArtifactAfterTheRevisionsGo()
    {
        // The artifact is part of something else of the user's (here a ConfigMap "bundle"), and func deploy linked it
        // to its Function. The controller replaced the whole list with its Revisions before, so the user's owner was
        // dropped and the garbage collector deleted the artifact with the last Revision.
        await using var harness = await KubeControllerHarness.StartAsync();
        var bundle = await harness.User.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "bundle" } }, Ns);
        var function = await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null, f => f.Spec.Source = new FunctionSource { ConfigMap = "hello-aaaaaaaaaa" }));
        await harness.User.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap
            {
                Metadata = new V1ObjectMeta
                {
                    Name = "hello-aaaaaaaaaa",
                    OwnerReferences =
                    [
                        new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "bundle", Uid = bundle.Metadata.Uid },
                        new V1OwnerReference { ApiVersion = ApiGroup.ApiVersion, Kind = Function.KindName, Name = "hello", Uid = function.Metadata.Uid },
                    ],
                },
                BinaryData = new Dictionary<string, byte[]> { ["function.tar.gz"] = [1] },
            },
            Ns);
        await KubeControllerHarness.UntilAsync(() => Owners(harness, "hello-aaaaaaaaaa").Any(o => o.Item1 == "hello-00001"), "hello-00001 owns its artifact");

        Assert.Equal([("ConfigMap:bundle", bundle.Metadata.Uid), ("hello-00001", Uid(harness, "hello-00001"))], Owners(harness, "hello-aaaaaaaaaa"));

        await harness.StopControllerAsync();
        await DeleteRevisionAsync(harness, "hello-00001");
        harness.Api.CollectGarbage();
        Assert.Equal([("ConfigMap:bundle", bundle.Metadata.Uid)], Owners(harness, "hello-aaaaaaaaaa"));
    }

    private static Task DeleteRevisionAsync(KubeControllerHarness harness, string name) =>
        harness.User.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, Ns, Revision.Plural, name);

    private static string? Uid(KubeControllerHarness harness, string revision) =>
        harness.Api.GetObject(ResourceTypes.Revisions, Ns, revision)?["metadata"]?["uid"]?.GetValue<string>();

    private static List<(string, string?)> Owners(KubeControllerHarness harness, string configMap) =>
        (harness.Api.GetObject(ResourceTypes.ConfigMaps, Ns, configMap)?["metadata"]?["ownerReferences"] as JsonArray ?? [])
            .Select(o => (o!["kind"]!.GetValue<string>() + ":" + o["name"]!.GetValue<string>(), o["uid"]?.GetValue<string>()))
            .Select(o => (o.Item1.StartsWith("Revision:", StringComparison.Ordinal) ? o.Item1["Revision:".Length..] : o.Item1, o.Item2))
            .ToList();
}
