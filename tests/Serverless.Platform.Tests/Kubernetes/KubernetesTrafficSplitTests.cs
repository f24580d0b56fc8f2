using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Serverless.Core.Api;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.KubeApiServer;
using Serverless.KubeApiServer.Simulation;
using Serverless.TestSupport;
using Xunit.Abstractions;

namespace Serverless.Platform.Tests.Kubernetes;

/// <summary>
/// Issue #17 on Kubernetes end to end: controller, activator and autoscaler as real processes against the API double,
/// each revision's "pods" a loopback server of its own (the simulator gives Deployment hello-00002's pods the second
/// server's port). A 90/10 split is served per request by the activator, the tag's host reaches its revision, a
/// revision at zero is activated alone, through the autoscaler scaling its own Deployment, and a promotion to 100%
/// keeps the canary's Deployment.
/// </summary>
public sealed class KubernetesTrafficSplitTests(ITestOutputHelper output)
{
    private const string Ns = "team-a";

    [Fact]
    public async Task Split_NinetyTen_ActivatorSplitsPerRequestAndWakesTheRevisionAtZeroAlone()
    {
        using var v1 = await VersionServer.StartAsync("v1");
        using var v2 = await VersionServer.StartAsync("v2");
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator(new DeploymentSimulatorOptions { PortFor = (_, deployment, _) => deployment == "hello-00002" ? v2.Port : v1.Port });
        using var directory = new TempDirectory("kube-split");
        int autoscalerPort = FreePort.Next(), activatorPort = FreePort.Next();
        string Kubeconfig(string identity) => api.WriteKubeconfig(Path.Combine(directory.Path, identity + ".kubeconfig"), identity);
        string Metrics() => $"127.0.0.1:{FreePort.Next()}";

        await using var autoscaler = KubernetesComponent.Start(Kubeconfig("autoscaler"), "autoscaler-0", "autoscaler",
            "--http", $"127.0.0.1:{autoscalerPort}", "--metrics", Metrics());
        var activatorMetrics = Metrics();
        await using var activator = KubernetesComponent.Start(Kubeconfig("activator"), "activator-0", "activator",
            "--http", $"127.0.0.1:{activatorPort}", "--metrics", activatorMetrics, "--autoscaler-url", $"http://127.0.0.1:{autoscalerPort}/");
        await using var controller = KubernetesComponent.Start(Kubeconfig("controller"), "controller-0", "controller", "--metrics", Metrics(), "--leader-elect", "false");
        KubernetesComponent[] all = [autoscaler, activator, controller];
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var user = api.CreateClient("user");
        var path = $"http://127.0.0.1:{activatorPort}/{Ns}/hello/";
        try
        {
            await user.CustomObjects.CreateNamespacedCustomObjectAsync(FunctionBody(), ApiGroup.Group, ApiGroup.Version, Ns, Function.Plural);
            await KubernetesComponent.UntilAsync(async () => await BodyAsync(http, path) == "v1", "the activator routes hello to hello-00001", all);

            // v2 at 10% with a tag, v1 keeps 90% by name.
            var patch = new JsonObject
            {
                ["spec"] = new JsonObject
                {
                    ["env"] = new JsonArray(new JsonObject { ["name"] = "GREETING", ["value"] = "v2" }),
                    ["traffic"] = new JsonArray(
                        new JsonObject { ["revisionName"] = "hello-00001", ["percent"] = 90 },
                        new JsonObject { ["latestRevision"] = true, ["percent"] = 10, ["tag"] = "canary" }),
                },
            };
            await user.CustomObjects.PatchNamespacedCustomObjectAsync(
                new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), ApiGroup.Group, ApiGroup.Version, Ns, Function.Plural, "hello");
            await KubernetesComponent.UntilAsync(() => Task.FromResult(Traffic(api) == "hello-00001=90,hello-00002=10"), "status.traffic splits 90/10", all);
            await KubernetesComponent.UntilAsync(async () => await BodyAsync(http, path) == "v2", "a request reaches hello-00002's pods", all);

            // The tag's host reaches its revision, every time.
            for (var i = 0; i < 5; i++)
            {
                using var tagged = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{activatorPort}/");
                tagged.Headers.Host = "canary-hello.team-a.example.com";
                using var response = await http.SendAsync(tagged);
                Assert.Equal("v2", await response.Content.ReadAsStringAsync());
            }

            // hello-00002 at zero (as the autoscaler leaves an idle revision): the requests the split sends it wait while
            // the autoscaler scales its Deployment, and only its Deployment, from zero.
            await user.AppsV1.PatchNamespacedDeploymentScaleAsync(
                new V1Patch("""{"spec":{"replicas":0}}""", V1Patch.PatchType.MergePatch), "hello-00002", Ns);
            await KubernetesComponent.UntilAsync(() => Task.FromResult(ReadyReplicas(api, "hello-00002") == 0), "hello-00002 is at zero", all);

            // And the activator has seen its endpoints go: until then a request may still reach the terminating pod.
            await KubernetesComponent.UntilAsync(
                async () => PrometheusText.Parse(await http.GetStringAsync($"http://{activatorMetrics}/metrics"))
                    .ValueOrZero("serverless_activator_ready_instances", ("function", "team-a/hello"), ("revision", "hello-00002")) == 0,
                "the activator sees no ready instance of hello-00002",
                all);
            var mainReplicas = Replicas(api, "hello-00001");
            var woken = 0;
            for (var i = 0; i < 30 && woken == 0; i++)
            {
                woken += await BodyAsync(http, path) == "v2" ? 1 : 0;
            }

            Assert.Equal(1, woken);
            Assert.Contains(api.Audit.For("autoscaler"), r => r is { Verb: "patch", Resource: "deployments", Subresource: "scale", Name: "hello-00002", StatusCode: 200 });
            Assert.True(Replicas(api, "hello-00001") >= mainReplicas, "the main revision's Deployment was not scaled down by the other's wake-up");

            // The split, per request: 200 requests in a row give hello-00002 its 10% (exactly 20 while the split is unchanged).
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < 200; i++)
            {
                var body = await BodyAsync(http, path) ?? "error";
                counts[body] = counts.GetValueOrDefault(body) + 1;
            }

            output.WriteLine(string.Join(", ", counts.Select(c => $"{c.Key}={c.Value}")));
            Assert.Equal(200, counts.GetValueOrDefault("v1") + counts.GetValueOrDefault("v2"));
            Assert.InRange(counts.GetValueOrDefault("v2"), 18, 22);

            // Both revisions' series name the Function and their own revision (each runs as a workload keyed by its
            // revision's name): a dashboard sums them by function.
            var metrics = await http.GetStringAsync($"http://{activatorMetrics}/metrics");
            Assert.Contains("serverless_activator_requests_total{function=\"team-a/hello\",revision=\"hello-00001\",code=\"200\"}", metrics, StringComparison.Ordinal);
            Assert.Contains("serverless_activator_requests_total{function=\"team-a/hello\",revision=\"hello-00002\",code=\"200\"}", metrics, StringComparison.Ordinal);
            Assert.DoesNotContain("function=\"team-a/hello-0000", metrics, StringComparison.Ordinal);

            // Promote the canary (issue #17 item 6): only the weights move. Its Deployment is the same object, and once
            // the activator has the new status every request reaches hello-00002's pods through its Service's slices.
            var canary = api.GetObject(ResourceTypes.Deployments, Ns, "hello-00002")!["metadata"]!["uid"]!.GetValue<string>();
            await user.CustomObjects.PatchNamespacedCustomObjectAsync(
                new V1Patch("""{"spec":{"traffic":[{"latestRevision":true,"percent":100}]}}""", V1Patch.PatchType.MergePatch),
                ApiGroup.Group, ApiGroup.Version, Ns, Function.Plural, "hello");
            await KubernetesComponent.UntilAsync(() => Task.FromResult(Traffic(api) == "hello-00002=100"), "status.traffic sends all to hello-00002", all);
            // Bounded by time, not by count: the activator's watch may lag the status on a slow machine.
            var promoted = 0;
            var deadline = System.Diagnostics.Stopwatch.StartNew();
            while (promoted < 20 && deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                promoted = await BodyAsync(http, path) == "v2" ? promoted + 1 : 0;
            }

            Assert.Equal(20, promoted); // 20 in a row once the activator follows the new split
            Assert.Equal(canary, api.GetObject(ResourceTypes.Deployments, Ns, "hello-00002")!["metadata"]!["uid"]!.GetValue<string>());
            Assert.Null(api.GetObject(ResourceTypes.Deployments, Ns, "hello"));

            foreach (var component in new[] { controller, activator, autoscaler })
            {
                Assert.Equal(0, await component.StopAsync());
            }
        }
        finally
        {
            foreach (var component in all)
            {
                output.WriteLine(component.Output);
            }
        }
    }

    private static JsonObject FunctionBody() => new()
    {
        ["apiVersion"] = ApiGroup.ApiVersion,
        ["kind"] = Function.KindName,
        ["metadata"] = new JsonObject { ["name"] = "hello", ["namespace"] = Ns },
        ["spec"] = new JsonObject
        {
            ["runtime"] = RuntimeNames.Node,
            ["handler"] = "index.js:handle",
            ["source"] = new JsonObject { ["configMap"] = "hello-0123456789" },
            ["scale"] = new JsonObject { ["minScale"] = 0, ["initialScale"] = 1 },
        },
    };

    private static string Traffic(KubeApiDouble api) =>
        api.GetObject(ResourceTypes.Functions, Ns, "hello")?["status"]?["traffic"] is JsonArray traffic
            ? string.Join(",", traffic.Select(t => $"{t?["revisionName"]}={t?["percent"]}"))
            : "";

    private static int? Replicas(KubeApiDouble api, string deployment) =>
        api.GetObject(ResourceTypes.Deployments, Ns, deployment)?["spec"]?["replicas"]?.GetValue<int>();

    private static int? ReadyReplicas(KubeApiDouble api, string deployment) =>
        api.GetObject(ResourceTypes.Deployments, Ns, deployment)?["status"]?["readyReplicas"]?.GetValue<int>() ?? 0;

    private static async Task<string?> BodyAsync(HttpClient http, string url)
    {
        try
        {
            using var response = await http.GetAsync(url);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null; // not listening or not routed yet: ask again
        }
    }

    /// <summary>Stands in for one revision's pods: a loopback server answering its version on every path.</summary>
    private sealed class VersionServer : IDisposable
    {
        private readonly WebApplication _app;

        private VersionServer(WebApplication app, int port)
        {
            _app = app;
            Port = port;
        }

        public int Port { get; }

        public static async Task<VersionServer> StartAsync(string version)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.Run(context => context.Response.WriteAsync(version));
            await app.StartAsync();
            return new VersionServer(app, new Uri(app.Urls.First()).Port);
        }

        public void Dispose() => _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
