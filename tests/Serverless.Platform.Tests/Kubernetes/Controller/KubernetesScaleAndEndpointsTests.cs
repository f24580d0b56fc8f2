using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Autoscaler.Configuration;
using Serverless.Autoscaler.Metrics;
using Serverless.Autoscaler.Scaling;
using Serverless.Backends.Kubernetes.Api;
using Serverless.Backends.Kubernetes.Endpoints;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Backends.Kubernetes.Workloads;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Serialization;
using Serverless.Hosting.Informers;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.KubeApiServer;
using Serverless.TestSupport;
using static Serverless.Backends.Kubernetes.Tests.KubeTestObjects;

namespace Serverless.Platform.Tests.Kubernetes.Controller;

/// <summary>The autoscaler's workload scaler (alone and under FunctionScaler) and the activator's endpoint source, against the double's simulator.</summary>
public sealed class KubernetesScaleAndEndpointsTests
{
    private const string Ns = "team-a";
    private static readonly FunctionKey Key = new(Ns, "hello");
    private static readonly FunctionKey NewRevision = new(Ns, "hello-00002");

    [Fact]
    public async Task ScaleAsync_Down_BusiestPodsMarkedAndKept()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var activity = new FakeActivity();
        await using var scaler = await ScalerAsync(api, activity);
        await scaler.Workloads.ScaleAsync(Key, 3);
        await KubeControllerHarness.UntilAsync(() => Pods(api).Count == 3 && scaler.Workloads.GetStatus(Key)?.ReadyReplicas == 3, "three ready pods");
        var pods = Pods(api);
        activity.Set(pods[1], 7);
        activity.Set(pods[2], 2);

        await scaler.Workloads.ScaleAsync(Key, 1);

        await KubeControllerHarness.UntilAsync(() => Pods(api).Count == 1, "one pod left");
        Assert.Equal([pods[1]], Pods(api));
        var calls = api.Audit.For("autoscaler").Where(r => r.Verb == "patch").Select(r => (r.Resource, r.Subresource, r.Name)).ToList();
        Assert.Contains(("pods", null, pods[1]), calls);
        Assert.Contains(("pods", null, pods[2]), calls);
        Assert.DoesNotContain(("pods", (string?)null, pods[0]), calls); // idle and unannotated: no call
        Assert.Equal(2, calls.Count(c => c is ("deployments", "scale", "hello")));
        Assert.DoesNotContain(api.Audit.For("autoscaler"), r => r.Verb is "update" or "create" or "delete");
    }

    /// <summary>
    /// Issue #17: a split's other revision runs in a Deployment named after it, whose pods the Function's labels do not
    /// select; the deletion costs go to that Deployment's own pods, never to the Function's.
    /// </summary>
    [Fact]
    public async Task ScaleAsync_DownARevisionsDeployment_ItsOwnBusiestPodKept()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var activity = new FakeActivity();
        await using var scaler = await ScalerAsync(api, activity); // the Function's own Deployment "hello", one pod
        var revisionKey = new FunctionKey(Ns, "hello-00002");
        var function = TestFunction(Ns, "hello");
        var revision = new Core.Api.Revision
        {
            Metadata = new V1ObjectMeta { Name = "hello-00002", NamespaceProperty = Ns, Uid = "uid-hello-00002" },
            Spec = new Core.Api.RevisionSpec { Function = "hello", Source = function.Spec.Source },
        };
        var spec = Spec(function) with { Key = revisionKey, Function = "hello", RevisionName = "hello-00002" };
        await api.CreateClient("user").AppsV1.CreateNamespacedDeploymentAsync(
            DeploymentBuilder.Build(function, spec, new KubernetesWorkloadOptions(), 3, revision), Ns);
        await KubeControllerHarness.UntilAsync(() => scaler.Workloads.GetStatus(revisionKey)?.ReadyReplicas == 3 && Pods(api).Count == 1, "three ready pods of hello-00002");
        var functionPod = Assert.Single(Pods(api));
        var revisionPods = RevisionPods(api);
        activity.Set(revisionPods[1], 5);

        await scaler.Workloads.ScaleAsync(revisionKey, 1);

        await KubeControllerHarness.UntilAsync(() => RevisionPods(api).Count == 1, "one pod of hello-00002 left");
        Assert.Equal([revisionPods[1]], RevisionPods(api));
        Assert.Equal([functionPod], Pods(api));
        var patched = api.Audit.For("autoscaler").Where(r => r is { Verb: "patch", Resource: "pods" }).Select(r => r.Name).ToList();
        Assert.Contains(revisionPods[1], patched);
        Assert.DoesNotContain(functionPod, patched);
    }

    [Fact]
    public async Task ScaleAsync_Up_OnlyTheScaleSubresource()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        await using var scaler = await ScalerAsync(api, new FakeActivity());

        await scaler.Workloads.ScaleAsync(Key, 2);

        await KubeControllerHarness.UntilAsync(() => scaler.Workloads.GetStatus(Key) is { DesiredReplicas: 2, ReadyReplicas: 2 }, "two ready replicas in the status");
        Assert.Equal(
            [("patch", "deployments", "scale")],
            api.Audit.For("autoscaler").Where(r => r.Verb is not ("list" or "watch")).Select(r => (r.Verb, r.Resource, r.Subresource)).Distinct());
    }

    /// <summary>
    /// A request for a revision just cut reaches the autoscaler before the controller has created the revision's
    /// Deployment. Before, the autoscaler patched the scale subresource at once, got a 404, logged it as an error and
    /// dropped the wake-up: the Deployment, created at an initial scale of 0, stayed at zero while the request waited.
    /// Now the wake-up waits for the Deployment (no API call, an Information event) and is applied on its informer
    /// event, with no tick of the autoscaler in between.
    /// </summary>
    [Fact]
    public async Task RequestScaleFromZero_DeploymentNotCreatedYet_NoErrorAndScaledOnceItAppears()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var function = TestFunction(Ns, "hello");
        function.Status = new FunctionStatus { Traffic = [new TrafficTarget { RevisionName = NewRevision.Name, Percent = 100 }] };
        function.Metadata.Uid = null;
        api.CreateObject(ResourceTypes.Functions, Ns, JsonNode.Parse(ResourceJson.Serialize(function))!.AsObject());
        var client = api.CreateClient("autoscaler");
        using var stop = new CancellationTokenSource();
        var functions = new ResourceInformer<Function>(KubeTestStores.Functions(client), null, TimeProvider.System, NullLogger.Instance);
        var deployments = KubeInformers.ManagedDeployments(client, TimeProvider.System, NullLoggerFactory.Instance);
        var informers = Task.WhenAll(functions.RunAsync(stop.Token), deployments.RunAsync(stop.Token));
        await Task.WhenAll(functions.WaitForSyncAsync(CancellationToken.None), deployments.WaitForSyncAsync(CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(10));
        var logger = new RecordingLogger<FunctionScaler>();
        var activity = new FakeActivity();

        // Its ticks never run (RunAsync is not called): only the Deployment's informer event can apply the wake-up.
        var scaler = new FunctionScaler(
            functions,
            new KubernetesWorkloadScaler(client, deployments, activity),
            activity,
            new AutoscalerOptions(),
            new AutoscalerMetrics(Prometheus.Metrics.NewCustomRegistry()),
            TimeProvider.System,
            logger)
        {
            RevisionWorkloads = true,
        };

        scaler.RequestScaleFromZero(NewRevision);
        await KubeControllerHarness.UntilAsync(() => logger.Entries.Any(e => e.Level == LogLevel.Information), "the scale from zero is noted as waiting");

        // The controller creates the revision's Deployment at an initial scale of 0 (allow-zero-initial-scale).
        var spec = Spec(function) with { Key = NewRevision, Function = "hello", RevisionName = NewRevision.Name };
        var revision = new Core.Api.Revision
        {
            Metadata = new V1ObjectMeta { Name = NewRevision.Name, NamespaceProperty = Ns, Uid = "uid-" + NewRevision.Name },
            Spec = new RevisionSpec { Function = "hello", Source = function.Spec.Source },
        };
        await api.CreateClient("controller").AppsV1.CreateNamespacedDeploymentAsync(
            DeploymentBuilder.Build(function, spec, new KubernetesWorkloadOptions(), 0, revision), Ns);

        await KubeControllerHarness.UntilAsync(
            () => api.GetObject(ResourceTypes.Deployments, Ns, NewRevision.Name)?["spec"]?["replicas"]?.GetValue<int>() == 1,
            "the waiting scale from zero is applied to the new Deployment");
        await stop.CancelAsync();
        await informers;

        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
        var waiting = Assert.Single(logger.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("waits for its workload", StringComparison.Ordinal));
        Assert.Contains(NewRevision.ToString(), waiting.Message, StringComparison.Ordinal);
        var writes = api.Audit.For("autoscaler").Where(r => r.Verb is not ("list" or "watch" or "get")).ToList();
        Assert.Equal([("patch", "deployments", "scale", NewRevision.Name)], writes.Select(r => (r.Verb, r.Resource, r.Subresource, r.Name)));
        Assert.DoesNotContain(api.Audit.For("autoscaler"), r => r.StatusCode == 404);
    }

    [Fact]
    public async Task EndpointSource_PodsComeAndGo_SnapshotFollows()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        await using var scaler = await ScalerAsync(api, new FakeActivity());
        var client = api.CreateClient("activator");
        var slices = KubeInformers.ServiceEndpointSlices(client, TimeProvider.System, NullLoggerFactory.Instance);
        var source = new EndpointSliceEndpointSource(slices);
        var changes = 0;
        source.EndpointsChanged += key => { if (key == Key) Interlocked.Increment(ref changes); };
        using var stop = new CancellationTokenSource();
        var run = slices.RunAsync(stop.Token);

        await scaler.Workloads.ScaleAsync(Key, 2);
        await KubeControllerHarness.UntilAsync(() => source.GetReadyEndpoints(Key).Count == 2, "two ready endpoints");
        Assert.Equal(Pods(api).Order(StringComparer.Ordinal), source.GetReadyEndpoints(Key).Select(e => e.Id));
        Assert.All(source.GetReadyEndpoints(Key), e => Assert.Equal("127.0.0.1:8080", e.Authority));

        api.ExpireWatches(); // a 410 in the middle: the re-list keeps the snapshot right
        await scaler.Workloads.ScaleAsync(Key, 0);
        await KubeControllerHarness.UntilAsync(() => source.GetReadyEndpoints(Key).Count == 0, "no endpoint after scaling to zero");
        Assert.True(Volatile.Read(ref changes) >= 2);
        Assert.All(api.Audit.For("activator"), r => Assert.Contains(r.Verb, new[] { "list", "watch" }));

        await stop.CancelAsync();
        await run;
    }

    private static List<string> Pods(KubeApiDouble api) =>
        api.ListObjects(ResourceTypes.Pods, Ns, WorkloadLabels.PodSelector("hello"))
            .Where(p => p["metadata"]?["deletionTimestamp"] is null)
            .Select(p => p["metadata"]!["name"]!.GetValue<string>())
            .Order(StringComparer.Ordinal)
            .ToList();

    private static List<string> RevisionPods(KubeApiDouble api) =>
        api.ListObjects(ResourceTypes.Pods, Ns, WorkloadLabels.RevisionName + "=hello-00002")
            .Where(p => p["metadata"]?["deletionTimestamp"] is null)
            .Select(p => p["metadata"]!["name"]!.GetValue<string>())
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>A Deployment as the controller would have made it, and the autoscaler's workload scaler over the double.</summary>
    private static async Task<ScalerUnderTest> ScalerAsync(KubeApiDouble api, IFunctionActivity activity)
    {
        var user = api.CreateClient("user");
        await user.AppsV1.CreateNamespacedDeploymentAsync(Deployment(TestFunction(Ns, "hello"), replicas: 1), Ns);
        var client = api.CreateClient("autoscaler");
        var deployments = KubeInformers.ManagedDeployments(client, TimeProvider.System, NullLoggerFactory.Instance);
        var workloads = new KubernetesWorkloadScaler(client, deployments, activity);
        var unit = new ScalerUnderTest(workloads, deployments);
        await deployments.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await KubeControllerHarness.UntilAsync(() => workloads.GetStatus(Key) is not null, "the Deployment is cached");
        return unit;
    }

    private sealed class ScalerUnderTest : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _run;

        public ScalerUnderTest(KubernetesWorkloadScaler workloads, Hosting.Informers.ResourceInformer<V1Deployment> deployments)
        {
            Workloads = workloads;
            _run = deployments.RunAsync(_stop.Token);
        }

        public KubernetesWorkloadScaler Workloads { get; }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _run;
            _stop.Dispose();
        }
    }

    private sealed class FakeActivity : IFunctionActivity
    {
        private readonly Dictionary<string, int> _inFlight = [];

        public void Set(string pod, int inFlight)
        {
            lock (_inFlight)
            {
                _inFlight[pod] = inFlight;
            }
        }

        public int ActiveRequests(FunctionKey key) => 0;

        public int InFlight(FunctionKey key, string instanceId)
        {
            lock (_inFlight)
            {
                return _inFlight.GetValueOrDefault(instanceId);
            }
        }
    }
}
