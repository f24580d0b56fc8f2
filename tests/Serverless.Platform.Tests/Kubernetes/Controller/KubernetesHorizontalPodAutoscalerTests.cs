using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.Core.Defaulting;
using Serverless.Core.Serialization;
using Serverless.Hosting.KubeApi.Resources;
using static Serverless.Backends.Kubernetes.Tests.KubeTestObjects;

namespace Serverless.Platform.Tests.Kubernetes.Controller;

/// <summary>
/// Issue #18 item 1 on Kubernetes: an HPA-class Function gets an <c>autoscaling/v2</c> HorizontalPodAutoscaler on each
/// revision's Deployment (issue #17 item 6: as Knative gives each revision's PodAutoscaler its own HPA), named and owned
/// as that Deployment (by its Revision), and kept to the Function's spec; leaving the class, the revision's workload
/// going, or the Function going, removes it. The real controller against the API server double.
/// </summary>
public sealed class KubernetesHorizontalPodAutoscalerTests
{
    private const string Ns = "team-a";

    private static Action<Function> Hpa(string metric, int min, int max, int? target) => f => f.Spec.Scale = new ScaleSpec
    {
        Class = ScaleClassNames.Hpa,
        Metric = metric,
        MinScale = min,
        MaxScale = max,
        Target = target,
    };

    [Fact]
    public async Task Reconcile_HpaClassOnCpu_CreatesAnOwnedAutoscalerWithTheBoundsAndTarget()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        await harness.CreateFunctionAsync(TestFunction(Ns, "burner", f => f.Metadata.Uid = null, Hpa("cpu", 2, 6, 70)));

        await KubeControllerHarness.UntilAsync(() => Autoscaler(harness, "burner-00001") is not null, "the HorizontalPodAutoscaler exists");

        var hpa = Autoscaler(harness, "burner-00001")!;
        var revision = harness.Api.GetObject(ResourceTypes.Revisions, Ns, "burner-00001")!["metadata"]!["uid"]!.GetValue<string>();
        var owner = Assert.Single(hpa.Metadata.OwnerReferences);
        Assert.Equal((revision, "Revision", true), (owner.Uid, owner.Kind, owner.Controller));
        Assert.Equal(("apps/v1", "Deployment", "burner-00001"), (hpa.Spec.ScaleTargetRef.ApiVersion, hpa.Spec.ScaleTargetRef.Kind, hpa.Spec.ScaleTargetRef.Name));
        Assert.Equal(revision, Assert.Single(harness.GetDeployment(Ns, "burner-00001")!.Metadata.OwnerReferences).Uid);
        Assert.Null(Autoscaler(harness, "burner"));
        Assert.Equal((2, 6), (hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas));
        var metric = Assert.Single(hpa.Spec.Metrics);
        Assert.Equal(("Resource", "cpu", "Utilization", 70), (metric.Type, metric.Resource.Name, metric.Resource.Target.Type, metric.Resource.Target.AverageUtilization));
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "burner"), "the function turns Ready");
    }

    [Fact]
    public async Task Promote_HpaCanaryToAHundredPercent_EachRevisionItsOwnAutoscalerTheServingOneKept()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        await harness.CreateFunctionAsync(TestFunction(Ns, "burner", f => f.Metadata.Uid = null, Hpa("cpu", 1, 4, 80)));
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "burner"), "the function turns Ready");
        await harness.PatchFunctionAsync(Ns, "burner", new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["env"] = new JsonArray(new JsonObject { ["name"] = "GREETING", ["value"] = "v2" }),
                ["traffic"] = new JsonArray(
                    new JsonObject { ["revisionName"] = "burner-00001", ["percent"] = 90 },
                    new JsonObject { ["latestRevision"] = true, ["percent"] = 10 }),
            },
        });

        // The canary's Deployment gets its own HorizontalPodAutoscaler, owned by its Revision.
        await KubeControllerHarness.UntilAsync(() => Autoscaler(harness, "burner-00002") is not null, "the canary's HorizontalPodAutoscaler exists");
        var canary = Autoscaler(harness, "burner-00002")!;
        Assert.Equal("burner-00002", canary.Spec.ScaleTargetRef.Name);
        Assert.Equal(
            harness.Api.GetObject(ResourceTypes.Revisions, Ns, "burner-00002")!["metadata"]!["uid"]!.GetValue<string>(),
            Assert.Single(canary.Metadata.OwnerReferences).Uid);
        Assert.Equal("burner-00001", Autoscaler(harness, "burner-00001")!.Spec.ScaleTargetRef.Name);

        await harness.PatchFunctionAsync(Ns, "burner", new JsonObject
        {
            ["spec"] = new JsonObject { ["traffic"] = new JsonArray(new JsonObject { ["latestRevision"] = true, ["percent"] = 100 }) },
        });

        // The promotion moves no HPA: the serving Deployment keeps the one it had.
        await KubeControllerHarness.UntilAsync(
            () => harness.GetFunction(Ns, "burner")?.Status?.Traffic is [{ RevisionName: "burner-00002", Percent: 100 }],
            "burner-00002 takes all the traffic");
        var after = Autoscaler(harness, "burner-00002")!;
        Assert.Equal((canary.Metadata.Uid, "burner-00002"), (after.Metadata.Uid, after.Spec.ScaleTargetRef.Name));
        Assert.Null(Autoscaler(harness, "burner"));
    }

    [Fact]
    public async Task Reconcile_HpaClassOnMemoryUnbounded_AverageValueInMiAndNoUpperBound()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        await harness.CreateFunctionAsync(TestFunction(Ns, "hog", f => f.Metadata.Uid = null, Hpa("memory", 1, 0, 256)));

        await KubeControllerHarness.UntilAsync(() => Autoscaler(harness, "hog-00001") is not null, "the HorizontalPodAutoscaler exists");

        var hpa = Autoscaler(harness, "hog-00001")!;
        Assert.Equal((1, int.MaxValue), (hpa.Spec.MinReplicas, hpa.Spec.MaxReplicas)); // Knative's "no limit"
        var target = Assert.Single(hpa.Spec.Metrics).Resource;
        Assert.Equal(("memory", "AverageValue", "256Mi"), (target.Name, target.Target.Type, target.Target.AverageValue.ToString()));
    }

    [Fact]
    public async Task Reconcile_BoundsChangedThenClassLeft_AutoscalerFollowsThenGoes()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        await harness.CreateFunctionAsync(TestFunction(Ns, "burner", f => f.Metadata.Uid = null, Hpa("cpu", 1, 4, 80)));
        await KubeControllerHarness.UntilAsync(() => Autoscaler(harness, "burner-00001") is not null, "the HorizontalPodAutoscaler exists");

        await harness.PatchFunctionAsync(Ns, "burner", new JsonObject { ["spec"] = new JsonObject { ["scale"] = new JsonObject { ["maxScale"] = 9 } } });
        await KubeControllerHarness.UntilAsync(() => Autoscaler(harness, "burner-00001")?.Spec.MaxReplicas == 9, "maxReplicas follows maxScale");

        // Back to the KPA: the class goes, the metric returns to concurrency and scale to zero is allowed again.
        await harness.PatchFunctionAsync(Ns, "burner", new JsonObject
        {
            ["spec"] = new JsonObject { ["scale"] = new JsonObject { ["class"] = null, ["metric"] = "concurrency", ["minScale"] = 0, ["target"] = null } },
        });
        await KubeControllerHarness.UntilAsync(() => Autoscaler(harness, "burner-00001") is null, "the HorizontalPodAutoscaler is deleted");
        Assert.NotNull(harness.GetDeployment(Ns, "burner-00001"));
    }

    [Fact]
    public async Task Reconcile_AutoscalerEditedOrDeleted_Restored()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        await harness.CreateFunctionAsync(TestFunction(Ns, "burner", f => f.Metadata.Uid = null, Hpa("cpu", 1, 4, 80)));
        await KubeControllerHarness.UntilAsync(() => Autoscaler(harness, "burner-00001") is not null, "the HorizontalPodAutoscaler exists");

        await harness.User.AutoscalingV2.PatchNamespacedHorizontalPodAutoscalerAsync(
            new V1Patch("""{"spec":{"maxReplicas":40}}""", V1Patch.PatchType.MergePatch), "burner-00001", Ns);
        await KubeControllerHarness.UntilAsync(() => Autoscaler(harness, "burner-00001")?.Spec.MaxReplicas == 4, "the edit is undone");

        var before = Autoscaler(harness, "burner-00001")!.Metadata.Uid;
        await harness.User.AutoscalingV2.DeleteNamespacedHorizontalPodAutoscalerAsync("burner-00001", Ns);
        await KubeControllerHarness.UntilAsync(() => Autoscaler(harness, "burner-00001") is { } again && again.Metadata.Uid != before, "a new one is created");
    }

    [Fact]
    public async Task Reconcile_HpaFunctionDeleted_AutoscalerRemoved()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        await harness.CreateFunctionAsync(TestFunction(Ns, "burner", f => f.Metadata.Uid = null, Hpa("cpu", 1, 4, 80)));
        await KubeControllerHarness.UntilAsync(() => Autoscaler(harness, "burner-00001") is not null, "the HorizontalPodAutoscaler exists");

        await harness.DeleteFunctionAsync(Ns, "burner");

        await KubeControllerHarness.UntilAsync(() => Autoscaler(harness, "burner-00001") is null && harness.GetDeployment(Ns, "burner-00001") is null, "all gone");
    }

    [Theory]
    [InlineData("minScale 0", "cpu", 0, "spec.scale.minScale")]
    [InlineData("a KPA metric", "concurrency", 1, "spec.scale.metric")]
    public async Task Create_HpaClassInvalid_RefusedByTheCrd(string label, string metric, int min, string field)
    {
        await using var harness = await KubeControllerHarness.StartAsync(start: false);

        var refused = await Assert.ThrowsAsync<HttpOperationException>(
            () => harness.CreateFunctionAsync(TestFunction(Ns, "bad", f => f.Metadata.Uid = null, Hpa(metric, min, 4, 80))));

        Assert.True(refused.Response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{label}: {refused.Response.StatusCode}");
        Assert.True(refused.Response.Content.Contains(field, StringComparison.Ordinal), $"{label}: {refused.Response.Content}");
    }

    private static V2HorizontalPodAutoscaler? Autoscaler(KubeControllerHarness harness, string name) =>
        harness.Api.GetObject(ResourceTypes.HorizontalPodAutoscalers, Ns, name) is { } node
            ? ResourceJson.Deserialize<V2HorizontalPodAutoscaler>(node.ToJsonString())
            : null;
}
