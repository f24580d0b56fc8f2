using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Core.Api;
using Serverless.Hosting.KubeApi.Resources;
using static Serverless.Backends.Kubernetes.Tests.KubeTestObjects;

namespace Serverless.Platform.Tests.Kubernetes.Controller;

/// <summary>
/// The real controller against the API server double: create/update/delete, drift, conflicts, watch expiry, status.
/// Every revision runs in a Deployment and Service of its own, named after it and owned by its Revision (issue #17
/// item 6): a Function <c>hello</c>'s first workload is <c>hello-00001</c>.
/// </summary>
public sealed class KubernetesControllerTests
{
    private const string Ns = "team-a";

    /// <summary>The workload of <c>hello</c>'s first revision.</summary>
    private const string Workload = "hello-00001";

    [Fact]
    public async Task Reconcile_NewFunction_DeploymentServiceAndReadyStatus()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        var created = await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null));

        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "the function turns Ready");

        // The Deployment and Service are the first Revision's, which the Function owns: deleting either collects them.
        var revision = harness.Api.GetObject(ResourceTypes.Revisions, Ns, Workload)!;
        Assert.Equal(created.Metadata.Uid, revision["metadata"]!["ownerReferences"]![0]!["uid"]!.GetValue<string>());
        var deployment = harness.GetDeployment(Ns, Workload)!;
        var owner = Assert.Single(deployment.Metadata.OwnerReferences);
        Assert.Equal((revision["metadata"]!["uid"]!.GetValue<string>(), "Revision", true), (owner.Uid, owner.Kind, owner.Controller));
        Assert.Equal(1, deployment.Spec.Replicas); // initialScale
        var service = harness.GetService(Ns, Workload)!;
        Assert.Equal(owner.Uid, Assert.Single(service.Metadata.OwnerReferences).Uid);
        Assert.Null(harness.GetDeployment(Ns, "hello")); // no Function-owned Deployment in this layout
        var status = harness.GetFunction(Ns, "hello")!.Status!;
        Assert.Equal("http://hello.team-a.example.com", status.Url);
        Assert.Equal((1, 1), (status.Replicas, status.ReadyReplicas));
        Assert.Equal(deployment.Spec.Template.Metadata.Labels[WorkloadLabels.Revision], status.LatestRevision);
    }

    [Fact]
    public async Task Reconcile_SpecChanged_DeploymentRolledAndObservedGenerationFollows()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null));
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "the function turns Ready");

        await harness.PatchFunctionAsync(Ns, "hello", new JsonObject
        {
            ["spec"] = new JsonObject { ["env"] = new JsonArray(new JsonObject { ["name"] = "GREETING", ["value"] = "hi" }) },
        });

        await KubeControllerHarness.UntilAsync(
            () => harness.GetDeployment(Ns, "hello-00002")?.Spec.Template.Spec.Containers[0].Env.Any(e => e is { Name: "GREETING", Value: "hi" }) == true,
            "the new revision's Deployment carries the new env");
        await KubeControllerHarness.UntilAsync(
            () => harness.IsReady(Ns, "hello") && harness.GetFunction(Ns, "hello")!.Status!.ObservedGeneration == 2,
            "status observes generation 2 and is Ready");
    }

    [Fact]
    public async Task Reconcile_FunctionDeleted_WorkloadRemoved()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null));
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "the function turns Ready");

        await harness.DeleteFunctionAsync(Ns, "hello");

        await KubeControllerHarness.UntilAsync(
            () => harness.GetDeployment(Ns, Workload) is null && harness.GetService(Ns, Workload) is null,
            "the Deployment and Service are gone");
    }

    [Fact]
    public async Task Drift_DeploymentDeleted_ComesBack()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null));
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "the function turns Ready");
        var before = harness.GetDeployment(Ns, Workload)!.Metadata.Uid;

        await harness.User.AppsV1.DeleteNamespacedDeploymentAsync(Workload, Ns);

        await KubeControllerHarness.UntilAsync(
            () => harness.GetDeployment(Ns, Workload) is { } again && again.Metadata.Uid != before,
            "a new Deployment is created");
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "the function is Ready again");
    }

    [Theory]
    [InlineData("image edited")]
    [InlineData("env var removed")]
    [InlineData("service port edited")]
    public async Task Drift_LiveObjectEdited_Restored(string edit)
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null, WithEnv("A", "b")));
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "the function turns Ready");
        var wanted = harness.GetDeployment(Ns, Workload)!;
        var wantedService = harness.GetService(Ns, Workload)!;

        await EditAsync(harness, edit);

        await KubeControllerHarness.UntilAsync(
            () => LiveObjectMatcher.DeploymentMatches(harness.GetDeployment(Ns, Workload)!, wanted)
                && LiveObjectMatcher.ServiceMatches(harness.GetService(Ns, Workload)!, wantedService),
            $"{edit}: the controller restores the wanted spec");
    }

    [Fact]
    public async Task Conflict_UpdateAnswered409_RetriedUntilRestored()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null));
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "the function turns Ready");
        harness.Api.Faults.FailNext(2, 409, r => r.Identity == KubeControllerHarness.ControllerIdentity && r.Verb == "update" && r.Resource == "deployments");

        await EditAsync(harness, "image edited");

        await KubeControllerHarness.UntilAsync(
            () => harness.GetDeployment(Ns, Workload)!.Spec.Template.Spec.Containers[0].Image == "ghcr.io/serverless-dev/runtime-node:0.1.0",
            "the image is restored despite two conflicts");
        var updates = harness.Api.Audit.For(KubeControllerHarness.ControllerIdentity).Where(r => r is { Verb: "update", Resource: "deployments" }).ToList();
        // The two injected conflicts, plus any real one: the simulator writes Deployment status concurrently, so a
        // replace may also meet a genuinely newer resourceVersion, and must be retried the same way.
        Assert.InRange(updates.Count(r => r.StatusCode == 409), 2, 5);
        Assert.Contains(updates, r => r.StatusCode == 200);
    }

    [Fact]
    public async Task Conflict_StatusWrite409_RetriedUntilReady()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        harness.Api.Faults.FailNext(3, 409, r => r.Identity == KubeControllerHarness.ControllerIdentity && r.Resource == "functions" && r.Subresource == "status");

        await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null));

        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "the function turns Ready despite three conflicts");
    }

    [Fact]
    public async Task WatchExpiry_410WhileChangesHappen_RelistedNothingMissed()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        await harness.CreateFunctionAsync(TestFunction(Ns, "first", f => f.Metadata.Uid = null));
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "first"), "the first function turns Ready");
        await KubeControllerHarness.UntilAsync(() => harness.Api.OpenWatchCount >= 3, "the controller watches");

        // History forgotten and every watch told 410: changes made now are only seen by a re-list.
        harness.Api.CompactHistory();
        await harness.CreateFunctionAsync(TestFunction(Ns, "second", f => f.Metadata.Uid = null));
        await harness.User.AppsV1.DeleteNamespacedDeploymentAsync("first-00001", Ns);
        Assert.True(harness.Api.ExpireWatches() >= 3);

        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "second"), "the function created during the expiry turns Ready");
        await KubeControllerHarness.UntilAsync(() => harness.GetDeployment(Ns, "first-00001") is not null && harness.IsReady(Ns, "first"), "the Deployment deleted during the expiry comes back");
    }

    [Fact]
    public async Task Status_SimulatorNotReadyYet_DeployingThenReady()
    {
        await using var harness = await KubeControllerHarness.StartAsync(simulate: false);
        await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null));
        await KubeControllerHarness.UntilAsync(
            () => harness.GetFunction(Ns, "hello")?.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready) is { Status: ConditionStatus.Unknown },
            "Ready is Unknown while no pod is ready");

        harness.Api.StartDeploymentSimulator();

        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "Ready once the simulator reports ready replicas");
    }

    [Fact]
    public async Task Reconcile_Settled_NoFurtherWrites()
    {
        await using var harness = await KubeControllerHarness.StartAsync();
        await harness.CreateFunctionAsync(TestFunction(Ns, "hello", f => f.Metadata.Uid = null));
        await KubeControllerHarness.UntilAsync(() => harness.IsReady(Ns, "hello"), "the function turns Ready");
        await Task.Delay(300); // let the last events settle
        var writes = Writes(harness);

        // A clean watch end makes every informer list again: the same objects, nothing to do.
        harness.Api.CloseWatches();
        await KubeControllerHarness.UntilAsync(() => harness.Api.OpenWatchCount >= 3, "the controller watches again");
        await Task.Delay(300);

        Assert.Equal(writes, Writes(harness));
    }

    private static int Writes(KubeControllerHarness harness) =>
        harness.Api.Audit.For(KubeControllerHarness.ControllerIdentity).Count(r => r.Verb is "create" or "update" or "patch" or "delete");

    private static async Task EditAsync(KubeControllerHarness harness, string edit)
    {
        switch (edit)
        {
            case "image edited":
            case "env var removed":
                var deployment = await harness.User.AppsV1.ReadNamespacedDeploymentAsync(Workload, Ns);
                if (edit == "image edited")
                {
                    deployment.Spec.Template.Spec.Containers[0].Image = "evil:latest";
                }
                else
                {
                    deployment.Spec.Template.Spec.Containers[0].Env.RemoveAt(0);
                }

                await harness.User.AppsV1.ReplaceNamespacedDeploymentAsync(deployment, Workload, Ns);
                break;
            case "service port edited":
                var service = await harness.User.CoreV1.ReadNamespacedServiceAsync(Workload, Ns);
                service.Spec.Ports[0].Port = 81;
                await harness.User.CoreV1.ReplaceNamespacedServiceAsync(service, Workload, Ns);
                break;
        }
    }
}
