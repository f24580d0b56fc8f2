using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Controller.Reconcilers.Function.Revisions;
using Serverless.Core.Api;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.Hosting.Kubernetes;
using static Serverless.Backends.Kubernetes.Tests.KubeTestObjects;

namespace Serverless.Platform.Tests.Kubernetes.Controller;

/// <summary>
/// The real controller against the API double, issue #20's rules: an object the Function does not own is never
/// modified or deleted (create and delete paths) and the Function says <c>NotOwned</c> until it goes; every failure
/// reaches the status and an Event; superseded artifacts are collected.
/// </summary>
public sealed class KubernetesOwnershipAndStatusTests
{
    private const string Ns = "team-a";

    [Fact]
    public async Task Ownership_UsersServiceHasTheName_LeftAloneNotOwnedThenRecovers()
    {
        await using var harness = await KubeControllerHarness.StartAsync(resync: TimeSpan.FromSeconds(1));
        // The name the Function's first revision's Service takes (every revision its own workload, issue #17 item 6).
        var users = await harness.User.CoreV1.CreateNamespacedServiceAsync(UsersService("api-00001"), Ns);

        await harness.CreateFunctionAsync(TestFunction(Ns, "api", f => f.Metadata.Uid = null));

        await KubeControllerHarness.UntilAsync(() => harness.Ready(Ns, "api")?.Reason == "NotOwned", "the Function says NotOwned");
        var (status, _, message) = harness.Ready(Ns, "api")!.Value;
        Assert.Equal(ConditionStatus.False, status);
        Assert.Contains("Service team-a/api-00001 exists and is not owned by this Function", message, StringComparison.Ordinal);
        await KubeControllerHarness.UntilAsync(() => harness.EventsAbout(Ns, "api").Any(e => e.StartsWith("Warning NotOwned", StringComparison.Ordinal)), "a NotOwned Event");
        var after = harness.GetService(Ns, "api-00001")!;
        Assert.Equal(users.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
        Assert.Null(after.Metadata.OwnerReferences);
        Assert.Equal("theirs", after.Spec.Selector["app"]);
        Assert.DoesNotContain(harness.Api.Audit.For(KubeControllerHarness.ControllerIdentity), r => r is { Resource: "services", Verb: "update" or "patch" or "delete" });

        // The user removes their Service: the Function takes the name on its own (the next resync) and turns Ready.
        await harness.User.CoreV1.DeleteNamespacedServiceAsync("api-00001", Ns);

        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "api"), "the Function recovers once the Service is gone");
        Assert.Single(harness.GetService(Ns, "api-00001")!.Metadata.OwnerReferences);
    }

    [Fact]
    public async Task Ownership_FunctionDeletedWhileNotOwned_UsersDeploymentSurvivesTheGarbageCollector()
    {
        await using var harness = await KubeControllerHarness.StartAsync(simulate: false);
        var users = await harness.User.AppsV1.CreateNamespacedDeploymentAsync(UsersDeployment("api-00001"), Ns);
        await harness.CreateFunctionAsync(TestFunction(Ns, "api", f => f.Metadata.Uid = null));
        await KubeControllerHarness.UntilAsync(() => harness.Ready(Ns, "api")?.Reason == "NotOwned", "the Function says NotOwned");

        await harness.DeleteFunctionAsync(Ns, "api");
        await KubeControllerHarness.UntilAsync(() => harness.GetFunction(Ns, "api") is null, "the Function is gone");
        harness.Api.CollectGarbage();
        await Task.Delay(500); // the deletion's reconcile

        var after = harness.GetDeployment(Ns, "api-00001");
        Assert.NotNull(after);
        Assert.Equal(users.Metadata.Uid, after.Metadata.Uid);
        Assert.Null(after.Metadata.OwnerReferences);
        Assert.Equal("theirs:1", after.Spec.Template.Spec.Containers[0].Image);
        Assert.DoesNotContain(harness.Api.Audit.For(KubeControllerHarness.ControllerIdentity), r => r is { Resource: "deployments", Verb: "update" or "patch" or "delete" });
    }

    [Fact]
    public async Task Status_WorkloadWriteRefused_ReadyFalseWithTheErrorThenReady()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        var refusal = harness.Api.Faults.FailNext(int.MaxValue, 403, r => r.Identity == KubeControllerHarness.ControllerIdentity && r is { Verb: "create", Resource: "deployments" });

        await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null));

        await KubeControllerHarness.UntilAsync(() => harness.Ready(Ns, "hello")?.Reason == "ReconcileFailed", "Ready False ReconcileFailed");
        var function = harness.GetFunction(Ns, "hello")!;
        var (_, _, message) = harness.Ready(Ns, "hello")!.Value;
        Assert.Contains("Forbidden", message, StringComparison.Ordinal);
        Assert.All(function.Status!.Conditions!, c => Assert.Equal(function.Metadata.Generation, c.ObservedGeneration));
        Assert.Equal(ConditionStatus.False, function.Status.Conditions!.Single(c => c.Type == ConditionTypes.WorkloadReady).Status);
        await KubeControllerHarness.UntilAsync(() => harness.EventsAbout(Ns, "hello").Any(e => e.StartsWith("Warning ReconcileFailed", StringComparison.Ordinal)), "a ReconcileFailed Event");

        harness.Api.Faults.Clear();
        Assert.True(refusal.Remaining > 0);

        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "Ready once the API server allows the write", timeoutMs: 40_000);
        Assert.Contains(harness.EventsAbout(Ns, "hello"), e => e == "Normal Created x1: Created Deployment team-a/hello-00001");
    }

    [Fact]
    public async Task Artifacts_NewArtifactRolledOut_TheSupersededOneIsDeletedTheOthersKept()
    {
        // Retention 0: the old Revision is collected as soon as it takes no traffic and its Deployment is gone (after a
        // 2 s grace here), and its artifact with it (one whose Revision still exists is kept for a rollback:
        // KubernetesRevisionTests). The Revision owned its artifact, so the garbage collector deletes the artifact with
        // it; the controller, which remembers it from the Revision's deletion, may get there first.
        await using var harness = await KubeControllerHarness.StartAsync(gc: new RevisionRetention { RetainSinceCreateTime = TimeSpan.Zero, MinNonActiveRevisions = 0 });
        foreach (var name in new[] { "hello-aaaaaaaaaa", "hello-bbbbbbbbbb", "hello-cccccccccc" })
        {
            await harness.User.CoreV1.CreateNamespacedConfigMapAsync(Artifact(name), Ns);
        }

        await harness.CreateFunctionAsync(TestFunction(
            Ns, "hello", f => f.Metadata.Uid = null, f => f.Spec.Source = new FunctionSource { ConfigMap = "hello-aaaaaaaaaa" }, f => f.Spec.Scale = new ScaleSpec { ScaleToZeroGracePeriodSeconds = 2 }));
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "the function turns Ready");
        Assert.Equal("hello-aaaaaaaaaa", harness.GetDeployment(Ns, "hello-00001")!.Spec.Template.Spec.Volumes.Single(v => v.Name == "artifact").ConfigMap.Name);

        await harness.PatchFunctionAsync(Ns, "hello", new JsonObject { ["spec"] = new JsonObject { ["source"] = new JsonObject { ["configMap"] = "hello-bbbbbbbbbb" } } });

        await KubeControllerHarness.UntilAsync(() => harness.Api.GetObject(ResourceTypes.ConfigMaps, Ns, "hello-aaaaaaaaaa") is null, "the superseded artifact is deleted", timeoutMs: 60_000);
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "the new revision is Ready");
        // The current one, and one uploaded but never rolled out (an upload in progress looks the same), stay.
        Assert.NotNull(harness.Api.GetObject(ResourceTypes.ConfigMaps, Ns, "hello-bbbbbbbbbb"));
        Assert.NotNull(harness.Api.GetObject(ResourceTypes.ConfigMaps, Ns, "hello-cccccccccc"));
        Assert.Null(harness.Api.GetObject(ResourceTypes.Revisions, Ns, "hello-00001"));
        Assert.Null(harness.GetDeployment(Ns, "hello-00001"));
        Assert.NotNull(harness.GetDeployment(Ns, "hello-00002"));
        Assert.InRange(harness.Api.Audit.For(KubeControllerHarness.ControllerIdentity).Count(r => r is { Verb: "delete", Resource: "configmaps" }), 0, 1);
    }

    private static V1Service UsersService(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "theirs" } },
        Spec = new V1ServiceSpec
        {
            Selector = new Dictionary<string, string> { ["app"] = "theirs" },
            Ports = [new V1ServicePort { Name = "web", Port = 8080, TargetPort = 3000 }],
        },
    };

    private static V1Deployment UsersDeployment(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "theirs" } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "theirs" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "theirs:1" }] },
            },
        },
    };

    private static V1ConfigMap Artifact(string name) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "serverless", ["serverless.dev/function"] = "hello" },
        },
        BinaryData = new Dictionary<string, byte[]> { ["function.tar.gz"] = [1, 2, 3] },
    };
}
