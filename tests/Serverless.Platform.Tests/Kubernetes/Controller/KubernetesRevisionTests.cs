using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Controller.Reconcilers.Function.Revisions;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.TestSupport;
using static Serverless.Backends.Kubernetes.Tests.KubeTestObjects;

namespace Serverless.Platform.Tests.Kubernetes.Controller;

/// <summary>
/// Issue #17 on Kubernetes, the real controller against the API double: Revisions cut as locally (owned by their
/// Function, Ready status, immutable spec), every revision (the main one included, item 6) in a Deployment and Service
/// of its own owned by its Revision, kept across a promotion, removed when the revision leaves the traffic, Revisions
/// collected past retention with their workloads, and everything gone with the Function.
/// </summary>
public sealed class KubernetesRevisionTests
{
    private const string Ns = "team-a";

    [Fact]
    public async Task Deploy_FirstRevision_CutOwnedByTheFunctionReadyAndImmutable()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        var created = await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null));

        await KubeControllerHarness.UntilAsync(
            () => harness.IsReady(Ns, "hello") && Ready(Revision(harness, "hello-00001")) == ConditionStatus.True,
            "the Function and its first Revision turn Ready");

        var revision = Revision(harness, "hello-00001")!;
        var owner = Assert.Single(revision.Metadata.OwnerReferences);
        Assert.Equal(("Function", "hello", created.Metadata.Uid, true, true), (owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        var deployment = harness.GetDeployment(Ns, "hello-00001")!;
        Assert.Equal(deployment.Spec.Template.Metadata.Labels[WorkloadLabels.Revision], revision.Spec.ContentHash);
        Assert.Equal("hello-00001", deployment.Spec.Template.Metadata.Labels[WorkloadLabels.RevisionName]);
        Assert.Equal(("Revision", revision.Metadata.Uid), (Assert.Single(deployment.Metadata.OwnerReferences).Kind, deployment.Metadata.OwnerReferences[0].Uid));
        Assert.Null(harness.GetDeployment(Ns, "hello"));
        Assert.Equal(("hello", "hello-0123456789"), (revision.Spec.Function, revision.Spec.Source?.ConfigMap));
        Assert.Equal((1, 1, 100), (revision.Status!.Replicas, revision.Status.ReadyReplicas, revision.Status.TrafficPercent));
        var status = harness.GetFunction(Ns, "hello")!.Status!;
        Assert.Equal(("hello-00001", "hello-00001"), (status.LatestCreatedRevision, status.LatestReadyRevision));
        Assert.Equal(["hello-00001 100"], status.Traffic!.Select(t => $"{t.RevisionName} {t.Percent}"));

        // The CRD's rule: the spec is written once.
        var edit = await Assert.ThrowsAsync<HttpOperationException>(() => harness.User.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"handler":"other.js:handle"}}""", V1Patch.PatchType.MergePatch), ApiGroup.Group, ApiGroup.Version, Ns, Core.Api.Revision.Plural, "hello-00001"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, edit.Response.StatusCode);
        var message = JsonNode.Parse(edit.Response.Content)!["message"]!.GetValue<string>();
        Assert.Contains("spec: Invalid value: \"object\": a Revision's spec is immutable", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Split_NinetyTen_EachRevisionInItsOwnDeploymentOwnedByItsRevision()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        await SplitAsync(harness);

        var main = harness.GetDeployment(Ns, "hello-00001")!;
        var old = Revision(harness, "hello-00001")!;
        var canary = Revision(harness, "hello-00002")!;
        Assert.Equal(old.Spec.ContentHash, main.Spec.Template.Metadata.Labels[WorkloadLabels.Revision]);
        Assert.Equal(("Revision", old.Metadata.Uid), (Assert.Single(main.Metadata.OwnerReferences).Kind, main.Metadata.OwnerReferences[0].Uid));
        Assert.Null(harness.GetDeployment(Ns, "hello"));
        Assert.Null(harness.GetService(Ns, "hello"));

        var own = harness.GetDeployment(Ns, "hello-00002")!;
        var owner = Assert.Single(own.Metadata.OwnerReferences);
        Assert.Equal(("Revision", "hello-00002", canary.Metadata.Uid, true, true), (owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        Assert.Equal(canary.Spec.ContentHash, own.Spec.Template.Metadata.Labels[WorkloadLabels.Revision]);
        var selector = new Dictionary<string, string> { [WorkloadLabels.Function] = "hello", [WorkloadLabels.RevisionName] = "hello-00002" };
        Assert.Equal(selector, own.Spec.Selector.MatchLabels);
        // Not managed-by: the Function's own Service, which selects {managed-by, function}, must not count these pods.
        Assert.False(own.Spec.Template.Metadata.Labels.ContainsKey(WorkloadLabels.ManagedBy));
        Assert.Equal(("serverless", "hello"), (own.Metadata.Labels[WorkloadLabels.ManagedBy], own.Metadata.Labels[WorkloadLabels.Function]));
        Assert.Contains(own.Spec.Template.Spec.Containers[0].Env, e => e is { Name: "K_SERVICE", Value: "hello" });
        Assert.Contains(own.Spec.Template.Spec.Containers[0].Env, e => e is { Name: "GREETING", Value: "v2" });
        var service = harness.GetService(Ns, "hello-00002")!;
        Assert.Equal(selector, service.Spec.Selector);
        Assert.Equal(canary.Metadata.Uid, Assert.Single(service.Metadata.OwnerReferences).Uid);
        Assert.Contains(harness.Api.ListObjects(ResourceTypes.EndpointSlices, Ns), s => s["metadata"]?["labels"]?[WorkloadLabels.ServiceName]?.GetValue<string>() == "hello-00002");

        var status = harness.GetFunction(Ns, "hello")!.Status!;
        Assert.Equal(
            ["hello-00001 90 - -", "hello-00002 10 canary http://canary-hello.team-a.example.com"],
            status.Traffic!.Select(t => $"{t.RevisionName} {t.Percent} {t.Tag ?? "-"} {t.Url ?? "-"}"));
        Assert.Equal((90, 10), (old.Status!.TrafficPercent, canary.Status!.TrafficPercent));
        Assert.Equal((ConditionStatus.True, 1), (Ready(canary), canary.Status.ReadyReplicas));
    }

    [Fact]
    public async Task Kubectl_Split_FunctionAndRevisionColumnsFromEachRevisionsDeployment()
    {
        // `kubectl get fn` and `kubectl get revisions` (the real kubectl, the CRDs' printer columns) over what the
        // controller wrote from each revision's own Deployment: each Revision's replicas are its own Deployment's, the
        // Function's all its revisions' together (what its pods are).
        Assert.True(TestSupport.Kubectl.IsInstalled, TestSupport.Kubectl.Path + " is missing");
        await using var harness = await KubeControllerHarness.StartAsync();
        await SplitAsync(harness);
        await KubeControllerHarness.UntilAsync(
            () => Revision(harness, "hello-00002")?.Status?.ReadyReplicas == 1 && Revision(harness, "hello-00001")?.Status?.ReadyReplicas == 1
                && harness.GetFunction(Ns, "hello")?.Status?.ReadyReplicas == 2,
            "both revisions' statuses show their ready pod, the Function's both");
        await harness.User.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "hello-00001", Ns);
        await KubeControllerHarness.UntilAsync(
            () => Revision(harness, "hello-00001")?.Status?.ReadyReplicas == 3 && harness.GetFunction(Ns, "hello")?.Status?.ReadyReplicas == 4,
            "hello-00001's three ready pods reach its Revision's status, and the Function's (with hello-00002's one)");
        using var directory = new TempDirectory("kubectl-revisions");
        var kubectl = new TestSupport.Kubectl(harness.Api.WriteKubeconfig(Path.Combine(directory.Path, "kubeconfig"), "user"), Path.Combine(directory.Path, "cache"));

        var functions = await kubectl.RunAsync("get", "fn", "-n", Ns);
        var revisions = await kubectl.RunAsync("get", "revisions", "-n", Ns, "-l", "serverless.dev/function=hello");

        Assert.True(functions.ExitCode == 0, functions.ToString());
        Assert.Matches(@"hello\s+True\s+Ready\s+4\s+http://hello\.team-a\.example\.com", functions.StdOut);
        Assert.True(revisions.ExitCode == 0, revisions.ToString());
        Assert.Matches(@"hello-00001\s+hello\s+True\s+InstancesReady\s+90\s+3\s+", revisions.StdOut);
        Assert.Matches(@"hello-00002\s+hello\s+True\s+InstancesReady\s+10\s+1\s+", revisions.StdOut);
    }

    [Fact]
    public async Task Split_OtherRevisionLeavesTheTraffic_ItsDeploymentAndServiceGo()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        await SplitAsync(harness);

        // A revision that loses its share keeps its workload for its scale-to-zero grace (requests the activators sent
        // it before they saw the new split are still served), then the controller requeued for it deletes it. A scale
        // change cuts no Revision.
        await harness.PatchFunctionAsync(Ns, "hello", new JsonObject { ["spec"] = new JsonObject { ["scale"] = new JsonObject { ["scaleToZeroGracePeriodSeconds"] = 2 } } });
        await harness.PatchFunctionAsync(Ns, "hello", Traffic(new JsonObject { ["revisionName"] = "hello-00001", ["percent"] = 100 }));

        await KubeControllerHarness.UntilAsync(
            () => harness.GetDeployment(Ns, "hello-00002") is null && harness.GetService(Ns, "hello-00002") is null,
            "the Deployment and Service of the revision without traffic are deleted after its 2 s grace", timeoutMs: 60_000);
        var canary = Revision(harness, "hello-00002");
        Assert.NotNull(canary); // kept: within retention
        Assert.Equal(Revision(harness, "hello-00001")!.Spec.ContentHash, harness.GetDeployment(Ns, "hello-00001")!.Spec.Template.Metadata.Labels[WorkloadLabels.Revision]);

        // Promote the latest: its own Deployment comes back, and hello-00001's goes after its grace in turn.
        await harness.PatchFunctionAsync(Ns, "hello", Traffic(new JsonObject { ["latestRevision"] = true, ["percent"] = 100 }));
        await KubeControllerHarness.UntilAsync(
            () => harness.GetDeployment(Ns, "hello-00002")?.Spec.Template.Metadata.Labels[WorkloadLabels.Revision] == canary.Spec.ContentHash
                && harness.GetFunction(Ns, "hello")?.Status?.Traffic is [{ RevisionName: "hello-00002", Percent: 100 }],
            "hello-00002's own Deployment runs with all the traffic");
        await KubeControllerHarness.UntilAsync(
            () => harness.GetDeployment(Ns, "hello-00001") is null && harness.GetService(Ns, "hello-00001") is null,
            "hello-00001's Deployment and Service go after its grace", timeoutMs: 60_000);
        Assert.Null(harness.GetDeployment(Ns, "hello"));
    }

    [Fact]
    public async Task Promote_OldRevisionKeptForItsGrace_ShowsItsOwnDeploymentsReplicasAndTheStatusesSettle()
    {
        // A revision that lost its share keeps its Deployment for its scale-to-zero grace (60 s here): its Revision shows
        // that Deployment's pods, not 0, and the Function counts them with the serving revision's. Both statuses settle:
        // no pass rewrites them while nothing changes.
        await using var harness = await KubeControllerHarness.StartAsync();
        await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null, f => f.Spec.Scale = new ScaleSpec { ScaleToZeroGracePeriodSeconds = 60 }));
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "the function turns Ready");
        await PatchNinetyTenAsync(harness, tag: null);
        await KubeControllerHarness.UntilAsync(
            () => Revision(harness, "hello-00002")?.Status?.ReadyReplicas == 1 && harness.GetFunction(Ns, "hello")?.Status?.ReadyReplicas == 2,
            "the canary serves beside hello-00001");

        await harness.PatchFunctionAsync(Ns, "hello", Traffic(new JsonObject { ["latestRevision"] = true, ["percent"] = 100 }));

        await KubeControllerHarness.UntilAsync(
            () => harness.GetFunction(Ns, "hello")?.Status?.Traffic is [{ RevisionName: "hello-00002", Percent: 100 }]
                && Revision(harness, "hello-00001")?.Status is { TrafficPercent: 0 } old && Active(old) == ConditionStatus.False,
            "hello-00002 takes all the traffic; hello-00001 is no longer active");
        await harness.User.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":2}}""", V1Patch.PatchType.MergePatch), "hello-00001", Ns);
        await KubeControllerHarness.UntilAsync(
            () => Revision(harness, "hello-00001")?.Status is { Replicas: 2, ReadyReplicas: 2 }
                && harness.GetFunction(Ns, "hello")?.Status is { Replicas: 3, ReadyReplicas: 3 },
            () => "hello-00001's two pods (kept for its grace) reach its Revision's status and the Function's: " + ObjectsNow(harness));
        Assert.NotNull(harness.GetDeployment(Ns, "hello-00001"));

        // Quiet for 2 s (bounded: 60 s): a status that flips between passes would keep writing.
        var deadline = Environment.TickCount64 + 60_000;
        var (writes, quietSince) = (StatusWrites(harness), Environment.TickCount64);
        while (Environment.TickCount64 - quietSince < 2000)
        {
            Assert.True(Environment.TickCount64 < deadline, "the controller kept writing statuses: " + ObjectsNow(harness));
            await Task.Delay(100);
            if (StatusWrites(harness) != writes)
            {
                (writes, quietSince) = (StatusWrites(harness), Environment.TickCount64);
            }
        }

        Assert.Equal((2, 2, 0), (Revision(harness, "hello-00001")!.Status!.Replicas, Revision(harness, "hello-00001")!.Status!.ReadyReplicas, Revision(harness, "hello-00001")!.Status!.TrafficPercent));
    }

    [Fact]
    public async Task Tag_OldRevisionWhoseDeploymentWasRemoved_ItsOwnDeploymentComesBackAtZero()
    {
        // A 0% tag on a revision whose Deployment went after its grace: the tag's URL must reach it, so it runs again in
        // a Deployment of its own, owned by its Revision, at zero (it proved ready once; a request to its tag wakes it).
        await using var harness = await KubeControllerHarness.StartAsync();
        await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null, f => f.Spec.Scale = new ScaleSpec { ScaleToZeroGracePeriodSeconds = 2 }));
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "the function turns Ready");
        await harness.PatchFunctionAsync(Ns, "hello", Env("v2"));
        await KubeControllerHarness.UntilAsync(
            () => harness.GetFunction(Ns, "hello")?.Status?.Traffic is [{ RevisionName: "hello-00002", Percent: 100 }] && harness.GetDeployment(Ns, "hello-00001") is null,
            "hello-00002 serves and hello-00001's Deployment is gone after its grace", timeoutMs: 60_000);

        await harness.PatchFunctionAsync(Ns, "hello", Traffic(
            new JsonObject { ["latestRevision"] = true, ["percent"] = 100 },
            new JsonObject { ["revisionName"] = "hello-00001", ["percent"] = 0, ["tag"] = "old" }));

        await KubeControllerHarness.UntilAsync(
            () => harness.GetDeployment(Ns, "hello-00001") is not null && harness.GetService(Ns, "hello-00001") is not null,
            () => "hello-00001 runs in a Deployment and Service of its own again: " + ObjectsNow(harness));
        var own = harness.GetDeployment(Ns, "hello-00001")!;
        Assert.Equal(("Revision", Revision(harness, "hello-00001")!.Metadata.Uid), (Assert.Single(own.Metadata.OwnerReferences).Kind, own.Metadata.OwnerReferences[0].Uid));
        Assert.Equal(0, own.Spec.Replicas);
        Assert.Equal("hello-00001", own.Spec.Template.Metadata.Labels[WorkloadLabels.RevisionName]);

        // The pass writes the Function's status after the workload's objects: under load the test can see them first.
        await KubeControllerHarness.UntilAsync(
            () => harness.GetFunction(Ns, "hello")?.Status?.Traffic?.Any(t => t is { RevisionName: "hello-00001", Percent: 0, Tag: "old" }) == true,
            "the Function's status shows the tag");
    }

    [Fact]
    public async Task Gc_BeyondRetention_OldRevisionsDeleted()
    {
        await using var harness = await KubeControllerHarness.StartAsync(
            gc: new RevisionRetention { RetainSinceCreateTime = TimeSpan.Zero, MinNonActiveRevisions = 1, MaxNonActiveRevisions = 1000 });
        // A revision that leaves the traffic keeps its workload for its grace (2 s here), and is collected only after.
        await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null, f => f.Spec.Scale = new ScaleSpec { ScaleToZeroGracePeriodSeconds = 2 }));
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "the function turns Ready");

        foreach (var (value, generation) in new[] { ("v2", 2), ("v3", 3) })
        {
            await harness.PatchFunctionAsync(Ns, "hello", Env(value));
            await KubeControllerHarness.UntilAsync(
                () => harness.IsReady(Ns, "hello") && harness.GetFunction(Ns, "hello")!.Status!.LatestReadyRevision == $"hello-0000{generation}",
                $"hello-0000{generation} is Ready and serves");
        }

        // Non-active: hello-00002 and hello-00001; min-non-active-revisions 1 keeps the newest of them.
        await KubeControllerHarness.UntilAsync(() => Revision(harness, "hello-00001") is null, "hello-00001 is collected", timeoutMs: 60_000);
        Assert.NotNull(Revision(harness, "hello-00002"));
        Assert.NotNull(Revision(harness, "hello-00003"));
        Assert.Contains(harness.Api.Audit.For(KubeControllerHarness.ControllerIdentity), r => r is { Verb: "delete", Resource: "revisions", Name: "hello-00001" });

        // Its Deployment and Service went before it; the kept hello-00002's too (no traffic, past its grace); the
        // serving revision's stay.
        await KubeControllerHarness.UntilAsync(
            () => harness.GetDeployment(Ns, "hello-00001") is null && harness.GetService(Ns, "hello-00001") is null
                && harness.GetDeployment(Ns, "hello-00002") is null && harness.GetService(Ns, "hello-00002") is null,
            "the Deployments and Services of the revisions without traffic are gone", timeoutMs: 60_000);
        Assert.NotNull(harness.GetDeployment(Ns, "hello-00003"));
        Assert.NotNull(harness.GetService(Ns, "hello-00003"));
    }

    [Fact]
    public async Task Delete_FunctionWithASplit_RevisionsDeploymentsAndServicesAllGo()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        await SplitAsync(harness);

        await harness.DeleteFunctionAsync(Ns, "hello");
        harness.Api.CollectGarbage();

        await KubeControllerHarness.UntilAsync(
            () =>
            {
                harness.Api.CollectGarbage(); // the owner chain: Function → Revision → Deployment and Service
                return Left(harness).Count == 0;
            },
            () => "no Revision, Deployment or Service outlives the Function; left: " + string.Join("; ", Left(harness)));

        static List<string> Left(KubeControllerHarness harness) =>
            [.. new[] { ResourceTypes.Revisions, ResourceTypes.Deployments, ResourceTypes.Services }
                .SelectMany(type => harness.Api.ListObjects(type, Ns).Select(o => $"{type.Plural}/{o["metadata"]!["name"]} owned by {o["metadata"]!["ownerReferences"]?.ToJsonString() ?? "nothing"}"))];
    }

    [Fact]
    public async Task Rollback_ByName_RunsTheOldRevisionsArtifactWhichIsKept()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        foreach (var name in new[] { "hello-aaaaaaaaaa", "hello-bbbbbbbbbb" })
        {
            await harness.User.CoreV1.CreateNamespacedConfigMapAsync(
                new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name }, BinaryData = new Dictionary<string, byte[]> { ["function.tar.gz"] = [1] } }, Ns);
        }

        await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null, f => f.Spec.Source = new FunctionSource { ConfigMap = "hello-aaaaaaaaaa" }));
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "the function turns Ready");
        await harness.PatchFunctionAsync(Ns, "hello", new JsonObject { ["spec"] = new JsonObject { ["source"] = new JsonObject { ["configMap"] = "hello-bbbbbbbbbb" } } });
        await KubeControllerHarness.UntilAsync(
            () => harness.IsReady(Ns, "hello") && harness.GetFunction(Ns, "hello")!.Status!.Traffic is [{ RevisionName: "hello-00002", Percent: 100 }],
            "hello-00002 serves all the traffic");
        Assert.Equal("hello-bbbbbbbbbb", ArtifactOf(harness.GetDeployment(Ns, "hello-00002")));

        await harness.PatchFunctionAsync(Ns, "hello", Traffic(new JsonObject { ["revisionName"] = "hello-00001", ["percent"] = 100 }));

        await KubeControllerHarness.UntilAsync(
            () => ArtifactOf(harness.GetDeployment(Ns, "hello-00001")) == "hello-aaaaaaaaaa"
                && harness.GetFunction(Ns, "hello")!.Status!.Traffic is [{ RevisionName: "hello-00001", Percent: 100 }],
            "hello-00001's own Deployment, with its artifact, takes the traffic again");
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "the rolled-back revision is Ready");
        Assert.NotNull(harness.Api.GetObject(ResourceTypes.ConfigMaps, Ns, "hello-aaaaaaaaaa"));
        Assert.NotNull(harness.Api.GetObject(ResourceTypes.ConfigMaps, Ns, "hello-bbbbbbbbbb")); // hello-00002 still exists: a roll forward can start
        Assert.DoesNotContain(harness.Api.Audit.For(KubeControllerHarness.ControllerIdentity), r => r is { Verb: "delete", Resource: "configmaps" });
    }

    [Fact]
    public async Task Rollout_WithAZeroPercentTag_StepsInTheLatestWhileTheTaggedRevisionRunsApartAtZero()
    {
        // Untested on Kubernetes before: a gradual rollout (4 s) of a new revision while hello-00001 keeps a 0% tag.
        await using var harness = await KubeControllerHarness.StartAsync();
        await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null));
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "the function turns Ready");
        await harness.PatchFunctionAsync(Ns, "hello", new JsonObject
        {
            ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { ["serverless.dev/rollout-duration"] = "4s" } },
            ["spec"] = new JsonObject
            {
                ["traffic"] = new JsonArray(
                    new JsonObject { ["latestRevision"] = true, ["percent"] = 100 },
                    new JsonObject { ["revisionName"] = "hello-00001", ["percent"] = 0, ["tag"] = "stable" }),
            },
        });
        await KubeControllerHarness.UntilAsync(
            () => harness.GetFunction(Ns, "hello")?.Status?.Traffic?.Any(t => t.Tag == "stable") == true,
            "the tag is resolved");

        // v2 (hello-00003: the traffic edit took generation 2) rolls in: seen part-way (both revisions with a share), then complete.
        await harness.PatchFunctionAsync(Ns, "hello", Env("v2"));
        var partWay = false;
        await KubeControllerHarness.UntilAsync(
            () =>
            {
                var status = harness.GetFunction(Ns, "hello")?.Status;
                partWay |= status?.Rollout is { RevisionName: "hello-00003", Percent: > 0 and < 100 };
                return status?.Conditions?.FirstOrDefault(c => c.Type == "Rollout") is { Reason: "RolloutComplete", Status: ConditionStatus.True }
                    && status.Traffic?.Where(t => t.Percent > 0).Select(t => $"{t.RevisionName} {t.Percent}").SequenceEqual(["hello-00003 100"]) == true;
            },
            "the rollout completes with hello-00003 at 100%",
            timeoutMs: 60_000);
        Assert.True(partWay, "no step between 0% and 100% was seen");

        var status = harness.GetFunction(Ns, "hello")!.Status!;
        var stable = Assert.Single(status.Traffic!, t => t.Tag == "stable");
        Assert.Equal(("hello-00001", 0, "http://stable-hello.team-a.example.com"), (stable.RevisionName, stable.Percent, stable.Url));
        var v2 = Revision(harness, "hello-00003")!;
        Assert.Equal(v2.Spec.ContentHash, harness.GetDeployment(Ns, "hello-00003")!.Spec.Template.Metadata.Labels[WorkloadLabels.Revision]);

        // The tagged revision without a share runs in a Deployment and Service of its own, owned by its Revision: the
        // one it got as the rollout's other share stays (no restart), reachable through its tag; the autoscaler (not
        // run here) takes it to zero after its grace, as any idle revision.
        var v1 = Revision(harness, "hello-00001")!;
        await KubeControllerHarness.UntilAsync(
            () => harness.GetDeployment(Ns, "hello-00001") is not null && harness.GetService(Ns, "hello-00001") is not null,
            "hello-00001 runs apart");
        var own = harness.GetDeployment(Ns, "hello-00001")!;
        Assert.Equal(("Revision", v1.Metadata.Uid), (Assert.Single(own.Metadata.OwnerReferences).Kind, own.Metadata.OwnerReferences[0].Uid));
        Assert.Equal(v1.Spec.ContentHash, own.Spec.Template.Metadata.Labels[WorkloadLabels.Revision]);
        Assert.Equal(0, Revision(harness, "hello-00001")!.Status!.TrafficPercent);
    }

    [Fact]
    public async Task Promote_CanaryToAHundredPercent_ItsDeploymentKeptTheOldRevisionsCollectedWithItsWorkload()
    {
        // Issue #17 item 6: a promotion moves weights only. The canary's Deployment, Service (and so its pods and
        // endpoints) stay the same objects; the old revision, collected at once past its grace (retention 0), takes its
        // Deployment and Service with it.
        await using var harness = await KubeControllerHarness.StartAsync(
            gc: new RevisionRetention { RetainSinceCreateTime = TimeSpan.Zero, MinNonActiveRevisions = 0, MaxNonActiveRevisions = 1000 });
        await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null, f => f.Spec.Scale = new ScaleSpec { ScaleToZeroGracePeriodSeconds = 2 }));
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "the function turns Ready");
        await PatchNinetyTenAsync(harness, tag: null);
        await KubeControllerHarness.UntilAsync(
            () => harness.GetFunction(Ns, "hello")?.Status?.Traffic is [{ RevisionName: "hello-00001", Percent: 90 }, { RevisionName: "hello-00002", Percent: 10 }]
                && harness.GetDeployment(Ns, "hello-00002")?.Status?.ReadyReplicas == 1,
            "the canary serves its 10%");
        var deployment = harness.GetDeployment(Ns, "hello-00002")!;
        var service = harness.GetService(Ns, "hello-00002")!;
        var updatesBefore = WritesTo(harness, "hello-00002");

        await harness.PatchFunctionAsync(Ns, "hello", Traffic(new JsonObject { ["latestRevision"] = true, ["percent"] = 100 }));

        await KubeControllerHarness.UntilAsync(
            () => harness.GetFunction(Ns, "hello")?.Status?.Traffic is [{ RevisionName: "hello-00002", Percent: 100 }]
                && Revision(harness, "hello-00001") is null,
            () => "hello-00002 takes all the traffic and hello-00001 is collected: " + ObjectsNow(harness), timeoutMs: 60_000);
        await KubeControllerHarness.UntilAsync(
            () => harness.GetDeployment(Ns, "hello-00001") is null && harness.GetService(Ns, "hello-00001") is null,
            "hello-00001's Deployment and Service are gone", timeoutMs: 60_000);
        var after = harness.GetDeployment(Ns, "hello-00002")!;
        Assert.Equal((deployment.Metadata.Uid, deployment.Metadata.Generation), (after.Metadata.Uid, after.Metadata.Generation));
        Assert.Equal(service.Metadata.Uid, harness.GetService(Ns, "hello-00002")!.Metadata.Uid);
        Assert.Equal(updatesBefore, WritesTo(harness, "hello-00002")); // not rewritten, let alone replaced
        Assert.True(harness.IsReady(Ns, "hello"));
        Assert.Null(harness.GetDeployment(Ns, "hello"));
    }

    [Fact]
    public async Task Upgrade_FromAFunctionOwnedDeployment_KeptUntilTheRevisionsOwnIsReadyThenDeleted()
    {
        // An older install ran the main revision in the Function's own Deployment. The upgraded controller keeps that
        // one serving (status.functionKeyRevision names the revision, so the activators route to it) until the
        // revision's own Deployment has a ready pod, and only then deletes it.
        await using var harness = await KubeControllerHarness.StartAsync(revisionWorkloads: false);
        await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null));
        await KubeControllerHarness.UntilAsync(
            () => harness.IsReady(Ns, "hello") && harness.GetFunction(Ns, "hello")!.Status!.FunctionKeyRevision == "hello-00001",
            "the older layout: Ready, served by the Function's own Deployment");
        var older = harness.GetDeployment(Ns, "hello")!;
        Assert.Equal("Function", Assert.Single(older.Metadata.OwnerReferences).Kind);
        Assert.Null(harness.GetDeployment(Ns, "hello-00001"));
        await harness.StopControllerAsync();

        // The new pods cannot turn ready yet: the simulator is stopped, so the revision's Deployment shows none.
        await harness.Api.StopDeploymentSimulatorAsync();
        harness.StartController();
        await KubeControllerHarness.UntilAsync(() => harness.GetDeployment(Ns, "hello-00001") is not null, "the revision's own Deployment is created");
        await Task.Delay(1000); // passes of the controller while the new Deployment has no ready pod
        Assert.Equal(older.Metadata.Uid, harness.GetDeployment(Ns, "hello")?.Metadata.Uid);
        var status = harness.GetFunction(Ns, "hello")!.Status!;
        Assert.Equal("hello-00001", status.FunctionKeyRevision);
        Assert.True(harness.IsReady(Ns, "hello"), "the Function stays Ready on the older Deployment meanwhile");
        Assert.DoesNotContain(harness.Api.Audit.For(KubeControllerHarness.ControllerIdentity), r => r is { Verb: "delete", Resource: "deployments", Name: "hello" });
        var revision = Revision(harness, "hello-00001")!;
        var own = harness.GetDeployment(Ns, "hello-00001")!;
        Assert.Equal(("Revision", revision.Metadata.Uid), (Assert.Single(own.Metadata.OwnerReferences).Kind, own.Metadata.OwnerReferences[0].Uid));
        Assert.True(own.Spec.Replicas >= older.Spec.Replicas, "the revision's Deployment starts as many pods as the older one runs");

        // Its pods turn ready: the bridge ends, and the Function-owned Deployment and Service go.
        harness.Api.StartDeploymentSimulator();
        await KubeControllerHarness.UntilAsync(
            () => harness.GetDeployment(Ns, "hello") is null && harness.GetService(Ns, "hello") is null
                && harness.GetFunction(Ns, "hello")?.Status?.FunctionKeyRevision is null,
            "the older Deployment and Service are deleted once the revision's own serves", timeoutMs: 60_000);
        Assert.True(harness.IsReady(Ns, "hello"));
        Assert.Equal(1, harness.GetFunction(Ns, "hello")!.Status!.ReadyReplicas);
        Assert.Equal(1, harness.GetDeployment(Ns, "hello-00001")!.Status.ReadyReplicas);
    }

    /// <summary>hello-00001 Ready, then a new env with 90% to hello-00001 and 10% (tag canary) to the latest; returns once both serve.</summary>
    private static async Task SplitAsync(KubeControllerHarness harness)
    {
        await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null));
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "the function turns Ready");
        await PatchNinetyTenAsync(harness, tag: "canary");
        await KubeControllerHarness.UntilAsync(
            () => harness.GetFunction(Ns, "hello")?.Status?.Traffic is [{ RevisionName: "hello-00001", Percent: 90 }, { RevisionName: "hello-00002", Percent: 10 }]
                && Revision(harness, "hello-00002")?.Status?.TrafficPercent == 10,
            "status.traffic splits 90/10 between hello-00001 and hello-00002");
    }

    /// <summary>The controller's writes to the Deployment and Service named <paramref name="name"/>.</summary>
    private static int WritesTo(KubeControllerHarness harness, string name) =>
        harness.Api.Audit.For(KubeControllerHarness.ControllerIdentity)
            .Count(r => r is { Verb: "create" or "update" or "patch" or "delete", Resource: "deployments" or "services" } && r.Name == name);

    /// <summary>The Deployments, the Revisions with their status, and the Function's number of traffic targets: what a failed wait saw.</summary>
    private static string ObjectsNow(KubeControllerHarness harness) =>
        string.Join(" | ", harness.Api.ListObjects(ResourceTypes.Deployments, Ns).Select(d => d["metadata"]!["name"]!.ToString()))
        + " || " + string.Join(" | ", harness.Api.ListObjects(ResourceTypes.Revisions, Ns).Select(r => r["metadata"]!["name"] + " " + r["status"]?.ToJsonString()))
        + " || " + harness.GetFunction(Ns, "hello")?.Status?.Traffic?.Count
        + " || " + string.Join(" | ", harness.Api.Audit.For(KubeControllerHarness.ControllerIdentity).TakeLast(12).Select(r => $"{r.Verb} {r.ResourcePath} {r.Name} {r.StatusCode}"));

    /// <summary>A new env (v2) with 90% to hello-00001 by name and 10% to the latest revision, with a tag if given.</summary>
    private static Task PatchNinetyTenAsync(KubeControllerHarness harness, string? tag)
    {
        var latest = new JsonObject { ["latestRevision"] = true, ["percent"] = 10 };
        if (tag is not null)
        {
            latest["tag"] = tag;
        }

        var patch = Env("v2");
        patch["spec"]!["traffic"] = new JsonArray(new JsonObject { ["revisionName"] = "hello-00001", ["percent"] = 90 }, latest);
        return harness.PatchFunctionAsync(Ns, "hello", patch);
    }

    private static JsonObject Env(string value) =>
        new() { ["spec"] = new JsonObject { ["env"] = new JsonArray(new JsonObject { ["name"] = "GREETING", ["value"] = value }) } };

    private static JsonObject Traffic(params JsonObject[] targets) =>
        new() { ["spec"] = new JsonObject { ["traffic"] = new JsonArray([.. targets]) } };

    private static Core.Api.Revision? Revision(KubeControllerHarness harness, string name) =>
        harness.Api.GetObject(ResourceTypes.Revisions, Ns, name) is { } node ? ResourceJson.Deserialize<Core.Api.Revision>(node.ToJsonString()) : null;

    private static int StatusWrites(KubeControllerHarness harness) =>
        harness.Api.Audit.For(KubeControllerHarness.ControllerIdentity).Count(r => r is { Verb: "update", Subresource: "status" });

    private static string? Active(RevisionStatus status) =>
        status.Conditions?.FirstOrDefault(c => c.Type == "Active")?.Status;

    private static string? Ready(Core.Api.Revision? revision) =>
        revision?.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready)?.Status;

    private static string? ArtifactOf(V1Deployment? deployment) =>
        deployment?.Spec.Template.Spec.Volumes?.FirstOrDefault(v => v.Name == "artifact")?.ConfigMap?.Name;
}
