using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Backends.Kubernetes.Events;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Controller;
using Serverless.Controller.Metrics;
using Serverless.Controller.Reconcilers.Function.Revisions;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.KubeApiServer;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.KubeApiServer.Simulation;
using Serverless.Platform.Kubernetes;

namespace Serverless.Platform.Tests.Kubernetes.Controller;

/// <summary>
/// The real Kubernetes-mode controller (informers, queue, reconciler, workload backend, CRD store) against the API
/// server double with its Deployment simulator. The test writes Functions as a user would, through its own client.
/// </summary>
internal sealed class KubeControllerHarness : IAsyncDisposable
{
    public const string ControllerIdentity = "controller";
    private CancellationTokenSource _stop = new(); // replaced after each StopControllerAsync
    private Task _run = Task.CompletedTask;

    private KubeControllerHarness(KubeApiDouble api, IKubernetes user, IKubernetes controllerClient)
    {
        Api = api;
        User = user;
        ControllerClient = controllerClient;
    }

    public KubeApiDouble Api { get; }

    /// <summary>The test's own client ("user"), for writes a person or CI would make.</summary>
    public IKubernetes User { get; }

    public IKubernetes ControllerClient { get; }

    public KubernetesFunctionController Controller { get; private set; } = null!;

    public DeploymentSimulator? Simulator { get; private set; }

    /// <param name="resync">The controller's resync period; default 10 minutes (a test sees no resync unless it asks).</param>
    /// <param name="gc">Which Revisions that take no traffic are collected; default config.json's defaults (48 h, 20, 1000).</param>
    /// <param name="revisionWorkloads">See <see cref="StartController"/>.</param>
    public static async Task<KubeControllerHarness> StartAsync(bool simulate = true, bool start = true, TimeSpan? resync = null, RevisionRetention? gc = null, bool revisionWorkloads = true)
    {
        var api = await KubeApiDouble.StartAsync();
        var harness = new KubeControllerHarness(api, api.CreateClient("user"), api.CreateClient(ControllerIdentity));
        if (simulate)
        {
            harness.Simulator = api.StartDeploymentSimulator();
        }

        if (start)
        {
            harness.StartController(resync, gc, revisionWorkloads);
        }

        return harness;
    }

    /// <param name="revisionWorkloads">
    /// The controller role's layout (true): every revision in a Deployment of its own. False runs an older install's
    /// layout (the main revision in the Function's own Deployment), to test the upgrade from it.
    /// </param>
    public void StartController(TimeSpan? resync = null, RevisionRetention? gc = null, bool revisionWorkloads = true)
    {
        var events = new KubernetesEventRecorder(ControllerClient, "serverless-controller", "controller-0", TimeProvider.System, NullLogger.Instance);
        Controller = new KubernetesFunctionController(
            ControllerClient,
            KubeTestStores.Functions(ControllerClient),
            new KubernetesWorkloadOptions(),
            new ControllerOptions { Workers = 4, ResyncPeriod = resync ?? TimeSpan.FromMinutes(10), RevisionRetention = gc ?? new RevisionRetention(), RevisionWorkloads = revisionWorkloads },
            new ControllerMetrics(Prometheus.Metrics.NewCustomRegistry()),
            TimeProvider.System,
            NullLoggerFactory.Instance,
            events,
            KubeTestStores.Revisions(ControllerClient));
        _run = Task.WhenAll(Controller.RunAsync(_stop.Token), RecordAsync(events, _stop.Token));
    }

    /// <summary>Stops the controller (its informers and workers), as an upgrade stops the older controller; <see cref="StartController"/> starts a new one.</summary>
    public async Task StopControllerAsync()
    {
        await _stop.CancelAsync();
        await _run;
        _stop.Dispose();
        _stop = new CancellationTokenSource();
        _run = Task.CompletedTask;
    }

    /// <summary>The Events recorded about <paramref name="name"/>'s Function: <c>{type} {reason} x{count}: {message}</c>.</summary>
    public IReadOnlyList<string> EventsAbout(string ns, string name) =>
        Api.ListObjects(ResourceTypes.Events, ns)
            .Where(e => e["involvedObject"]?["kind"]?.GetValue<string>() == Function.KindName && e["involvedObject"]?["name"]?.GetValue<string>() == name)
            .Select(e => $"{e["type"]} {e["reason"]} x{e["count"]}: {e["message"]}")
            .ToList();

    /// <summary>The Ready condition's status and reason, or null before there is one.</summary>
    public (string Status, string Reason, string Message)? Ready(string ns, string name) =>
        GetFunction(ns, name)?.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready) is { } ready
            ? (ready.Status, ready.Reason, ready.Message)
            : null;

    public async Task<Function> CreateFunctionAsync(Function function)
    {
        var body = JsonNode.Parse(ResourceJson.Serialize(function));
        var created = await User.CustomObjects.CreateNamespacedCustomObjectAsync(
            body, ApiGroup.Group, ApiGroup.Version, function.Metadata.NamespaceProperty, Function.Plural);
        return ResourceJson.Deserialize<Function>(ResourceJson.Serialize(created));
    }

    public Task PatchFunctionAsync(string ns, string name, JsonObject mergePatch) =>
        User.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(mergePatch.ToJsonString(), V1Patch.PatchType.MergePatch), ApiGroup.Group, ApiGroup.Version, ns, Function.Plural, name);

    public Task DeleteFunctionAsync(string ns, string name) =>
        User.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, ns, Function.Plural, name);

    public Function? GetFunction(string ns, string name) =>
        Api.GetObject(ResourceTypes.Functions, ns, name) is { } node ? ResourceJson.Deserialize<Function>(node.ToJsonString()) : null;

    public V1Deployment? GetDeployment(string ns, string name) =>
        Api.GetObject(ResourceTypes.Deployments, ns, name) is { } node ? ResourceJson.Deserialize<V1Deployment>(node.ToJsonString()) : null;

    public V1Service? GetService(string ns, string name) =>
        Api.GetObject(ResourceTypes.Services, ns, name) is { } node ? ResourceJson.Deserialize<V1Service>(node.ToJsonString()) : null;

    public bool IsReady(string ns, string name) =>
        GetFunction(ns, name)?.Status is { } status
        && status.ObservedGeneration == GetFunction(ns, name)!.Metadata.Generation
        && status.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready)?.Status == ConditionStatus.True;

    /// <summary>Polls (bounded: 20 s) until the condition holds.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, int timeoutMs = 20_000) => UntilAsync(condition, () => what, timeoutMs);

    /// <summary>Polls (bounded: 20 s) until the condition holds; <paramref name="what"/> is asked only when it did not, so it may say what is there then.</summary>
    public static async Task UntilAsync(Func<bool> condition, Func<string> what, int timeoutMs = 20_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            if (Environment.TickCount64 >= deadline)
            {
                Assert.Fail($"not within {timeoutMs} ms: {what()}");
            }

            await Task.Delay(20);
        }
    }

    private static async Task RecordAsync(KubernetesEventRecorder events, CancellationToken cancellationToken)
    {
        try
        {
            await events.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run;
        await Api.DisposeAsync();
        _stop.Dispose();
    }
}
