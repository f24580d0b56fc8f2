using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Autoscaler.Configuration;
using Serverless.Autoscaler.Metrics;
using Serverless.Autoscaler.Scaling;
using Serverless.Backends.Kubernetes.Api;
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

/// <summary>The autoscaler (FunctionScaler over the Kubernetes workload scaler) waking revisions from zero, against the double.</summary>
public sealed class KubernetesScaleFromZeroTests
{
    private const string Ns = "team-a";
    private static readonly FunctionKey Revision = new(Ns, "hello-00002");

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
        function.Status = new FunctionStatus { Traffic = [new TrafficTarget { RevisionName = Revision.Name, Percent = 100 }] };
        function.Metadata.Uid = null;
        api.CreateObject(ResourceTypes.Functions, Ns, JsonNode.Parse(ResourceJson.Serialize(function))!.AsObject());
        var client = api.CreateClient("autoscaler");
        using var stop = new CancellationTokenSource();
        var functions = new ResourceInformer<Function>(KubeTestStores.Functions(client), null, TimeProvider.System, NullLogger.Instance);
        var deployments = KubeInformers.ManagedDeployments(client, TimeProvider.System, NullLoggerFactory.Instance);
        var informers = Task.WhenAll(functions.RunAsync(stop.Token), deployments.RunAsync(stop.Token));
        await Task.WhenAll(functions.WaitForSyncAsync(CancellationToken.None), deployments.WaitForSyncAsync(CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(10));
        var logger = new RecordingLogger<FunctionScaler>();
        var activity = new NoActivity();

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

        scaler.RequestScaleFromZero(Revision);
        await KubeControllerHarness.UntilAsync(() => logger.Entries.Any(e => e.Level == LogLevel.Information), "the scale from zero is noted as waiting");

        // The controller creates the revision's Deployment at an initial scale of 0 (allow-zero-initial-scale).
        var spec = Spec(function) with { Key = Revision, Function = "hello", RevisionName = Revision.Name };
        var revision = new Core.Api.Revision
        {
            Metadata = new V1ObjectMeta { Name = Revision.Name, NamespaceProperty = Ns, Uid = "uid-" + Revision.Name },
            Spec = new RevisionSpec { Function = "hello", Source = function.Spec.Source },
        };
        await api.CreateClient("controller").AppsV1.CreateNamespacedDeploymentAsync(
            DeploymentBuilder.Build(function, spec, new KubernetesWorkloadOptions(), 0, revision), Ns);

        await KubeControllerHarness.UntilAsync(
            () => api.GetObject(ResourceTypes.Deployments, Ns, Revision.Name)?["spec"]?["replicas"]?.GetValue<int>() == 1,
            "the waiting scale from zero is applied to the new Deployment");
        await stop.CancelAsync();
        await informers;

        Assert.DoesNotContain(logger.Entries, e => e.Level >= LogLevel.Warning);
        var waiting = Assert.Single(logger.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("waits for its workload", StringComparison.Ordinal));
        Assert.Contains(Revision.ToString(), waiting.Message, StringComparison.Ordinal);
        var writes = api.Audit.For("autoscaler").Where(r => r.Verb is not ("list" or "watch" or "get")).ToList();
        Assert.Equal([("patch", "deployments", "scale", Revision.Name)], writes.Select(r => (r.Verb, r.Resource, r.Subresource, r.Name)));
        Assert.DoesNotContain(api.Audit.For("autoscaler"), r => r.StatusCode == 404);
    }

    private sealed class NoActivity : IFunctionActivity
    {
        public int ActiveRequests(FunctionKey key) => 0;

        public int InFlight(FunctionKey key, string instanceId) => 0;
    }
}
