using k8s;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.KubeApiServer.Audit;
using static Serverless.Backends.Kubernetes.Tests.KubeTestObjects;

namespace Serverless.Platform.Tests.Kubernetes.Controller;

/// <summary>
/// What one Function's rollout costs in API calls, the real controller against the API double (issue #17's reconcile
/// regression): Revisions brought 9.1 calls per Function to bench/kubernetes, against 3.7 before them, most of it status
/// writes that a later pass took back.
/// </summary>
public sealed class KubernetesReconcileCostTests
{
    private const string Ns = "team-a";

    [Fact]
    public async Task FirstRollout_OneFunction_TwoRevisionAndTwoFunctionStatusWrites()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        // The artifact, as func deploy uploads it: the Revision cut becomes its owner.
        await harness.User.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "hello-0123456789" }, BinaryData = new Dictionary<string, byte[]> { ["function.tar.gz"] = [1] } }, Ns);
        var before = harness.Api.Audit.For(KubeControllerHarness.ControllerIdentity).Count;

        await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null));
        await KubeControllerHarness.UntilAsync(
            () => harness.IsReady(Ns, "hello") && RevisionReadyAndRouted(harness, "hello-00001"),
            "the Function and its first Revision turn Ready with the traffic");
        await SettleAsync(harness);

        // One status while the Deployment comes up (Deploying, 0 of 1) and one once it serves, for the Revision and
        // the Function each; no write that only a stale cache or a half-updated view asked for.
        var calls = harness.Api.Audit.For(KubeControllerHarness.ControllerIdentity).Skip(before)
            .Where(r => r.Verb is "create" or "update" or "patch" or "delete" && r.Resource != "events")
            .ToList();
        Assert.True(calls.All(c => c.StatusCode is 200 or 201), "a write failed: " + string.Join(", ", calls.Select(c => $"{Describe(c)} {c.StatusCode}")));
        var writes = calls.Select(Describe).GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(
            new Dictionary<string, int>
            {
                ["create serverless.dev/revisions"] = 1,
                ["patch /configmaps"] = 1,
                ["create apps/deployments"] = 1,
                ["create /services"] = 1,
                ["update serverless.dev/revisions/status"] = 2,
                ["update serverless.dev/functions/status"] = 2,
            },
            writes);
        var revision = harness.Api.GetObject(ResourceTypes.Revisions, Ns, "hello-00001")!;
        Assert.Equal("100", revision["status"]?["trafficPercent"]?.ToJsonString());
        Assert.Equal("1", revision["status"]?["readyReplicas"]?.ToJsonString());
    }

    [Fact]
    public async Task FirstRollout_RevisionWatchHeld_DeploymentCreatedFromTheCreateAnswer()
    {
        // The Revision's uid is its Deployment's ownerReference. The create call answered it: the pass that cut the
        // Revision creates the Deployment too, without waiting for the Revision to reach the controller's cache (held
        // here: the controller's list and watch of Revisions hang for a minute after its watches are cut).
        await using var harness = await KubeControllerHarness.StartAsync();
        await KubeControllerHarness.UntilAsync(() => harness.Controller.HasSynced, "the controller's caches sync");
        var held = harness.Api.Faults.SlowDown(
            TimeSpan.FromSeconds(60),
            r => r is { Identity: KubeControllerHarness.ControllerIdentity, Resource: "revisions", Verb: "list" or "watch" });
        harness.Api.CloseWatches();

        await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null));

        await KubeControllerHarness.UntilAsync(
            () => harness.GetDeployment(Ns, "hello-00001") is not null && harness.GetService(Ns, "hello-00001") is not null,
            "the first revision's Deployment and Service exist while the Revision watch is held", timeoutMs: 30_000);
        var revision = harness.Api.GetObject(ResourceTypes.Revisions, Ns, "hello-00001")!;
        var owner = Assert.Single(harness.GetDeployment(Ns, "hello-00001")!.Metadata.OwnerReferences);
        Assert.Equal(("Revision", "hello-00001", revision["metadata"]!["uid"]!.GetValue<string>()), (owner.Kind, owner.Name, owner.Uid));
        Assert.True(held.Remaining > 0);
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "the Function turns Ready while the Revision watch is held", timeoutMs: 30_000);
        Assert.Single(harness.Api.Audit.For(KubeControllerHarness.ControllerIdentity), r => r is { Verb: "create", Resource: "revisions" });
        Assert.Single(harness.Api.Audit.For(KubeControllerHarness.ControllerIdentity), r => r is { Verb: "create", Resource: "deployments" });
    }

    private static string Describe(AuditRecord r) => $"{r.Verb} {r.ApiGroup}/{r.ResourcePath}";

    private static bool RevisionReadyAndRouted(KubeControllerHarness harness, string name) =>
        harness.Api.GetObject(ResourceTypes.Revisions, Ns, name)?["status"] is { } status
        && status["trafficPercent"]?.ToJsonString() == "100"
        && status["conditions"]?.AsArray().Any(c => c?["type"]?.GetValue<string>() == ConditionTypes.Ready && c["status"]?.GetValue<string>() == ConditionStatus.True) == true;

    /// <summary>Until the controller has made no call for 1.5 s (bounded: 30 s): the passes its own writes start have run.</summary>
    private static async Task SettleAsync(KubeControllerHarness harness)
    {
        var deadline = Environment.TickCount64 + 30_000;
        var count = harness.Api.Audit.For(KubeControllerHarness.ControllerIdentity).Count;
        var quietSince = Environment.TickCount64;
        while (Environment.TickCount64 - quietSince < 1500)
        {
            Assert.True(Environment.TickCount64 < deadline, "the controller kept calling the API server for 30 s");
            await Task.Delay(50);
            var now = harness.Api.Audit.For(KubeControllerHarness.ControllerIdentity).Count;
            if (now != count)
            {
                (count, quietSince) = (now, Environment.TickCount64);
            }
        }
    }
}
