using System.Net;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Serverless.Core.Api;
using Serverless.KubeApiServer;
using Serverless.KubeApiServer.Simulation;
using Serverless.TestSupport;
using Xunit.Abstractions;

namespace Serverless.Platform.Tests.Kubernetes;

/// <summary>
/// The three Kubernetes-mode components as real processes against the API server double: a Function is reconciled
/// to Ready, a request through the activator reaches the "pod" (a loopback server standing in for the runtime), by
/// path and by the host of its <c>status.url</c> (the one domain of config.json, read by controller and activator
/// alike), and every API call each component made is one its RBAC rules list.
/// </summary>
public sealed class KubernetesComponentsTests(ITestOutputHelper output)
{
    private const string Ns = "team-a";

    /// <summary>Exactly the calls each component is allowed (deploy/rbac/*.yaml): verb, API group, resource[/subresource].</summary>
    private static readonly Dictionary<string, HashSet<string>> Allowed = new()
    {
        ["controller"] =
        [
            "list serverless.dev/functions", "watch serverless.dev/functions", "update serverless.dev/functions/status",
            "list serverless.dev/revisions", "watch serverless.dev/revisions", "get serverless.dev/revisions", "create serverless.dev/revisions",
            "delete serverless.dev/revisions", "update serverless.dev/revisions/status",
            "list apps/deployments", "watch apps/deployments", "create apps/deployments", "update apps/deployments", "get apps/deployments", "delete apps/deployments",
            "list core/services", "watch core/services", "create core/services", "update core/services", "get core/services", "delete core/services",
            "get coordination.k8s.io/leases", "create coordination.k8s.io/leases", "update coordination.k8s.io/leases",
            "list apps/replicasets", "watch apps/replicasets", "get core/configmaps", "patch core/configmaps", "delete core/configmaps", "create core/events", "patch core/events",
            "list autoscaling/horizontalpodautoscalers", "watch autoscaling/horizontalpodautoscalers", "get autoscaling/horizontalpodautoscalers",
            "create autoscaling/horizontalpodautoscalers", "update autoscaling/horizontalpodautoscalers", "delete autoscaling/horizontalpodautoscalers",
        ],
        ["activator"] =
        [
            "list serverless.dev/functions", "watch serverless.dev/functions",
            "list discovery.k8s.io/endpointslices", "watch discovery.k8s.io/endpointslices",
        ],
        ["autoscaler"] =
        [
            "list serverless.dev/functions", "watch serverless.dev/functions",
            "list apps/deployments", "watch apps/deployments", "patch apps/deployments/scale",
            "list core/pods", "patch core/pods",
        ],
    };

    [Fact]
    public async Task Components_FunctionCreated_ReadyServedAndCallsWithinRbac()
    {
        using var instance = await InstanceServer.StartAsync();
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator(new DeploymentSimulatorOptions { PortFor = (_, _, _) => instance.Port });
        using var directory = new TempDirectory("kube-components");
        // The components' config.json (SERVERLESS_CONFIG_DIR is the kubeconfigs' folder): the domain set in one place,
        // and the initial scale of Functions that set none.
        File.WriteAllText(Path.Combine(directory.Path, "config.json"), """{"activator": {"domain": "fn.test"}, "autoscaler": {"initial-scale": 2}}""");
        int autoscalerPort = FreePort.Next(), activatorPort = FreePort.Next();
        var metricsPorts = new Dictionary<string, int> { ["controller"] = FreePort.Next(), ["activator"] = FreePort.Next(), ["autoscaler"] = FreePort.Next() };
        string Kubeconfig(string identity) => api.WriteKubeconfig(Path.Combine(directory.Path, identity + ".kubeconfig"), identity);

        await using var autoscaler = KubernetesComponent.Start(Kubeconfig("autoscaler"), "autoscaler-0", "autoscaler",
            "--http", $"127.0.0.1:{autoscalerPort}", "--metrics", $"127.0.0.1:{metricsPorts["autoscaler"]}");
        await using var activator = KubernetesComponent.Start(Kubeconfig("activator"), "activator-0", "activator",
            "--http", $"127.0.0.1:{activatorPort}", "--metrics", $"127.0.0.1:{metricsPorts["activator"]}", "--autoscaler-url", $"http://127.0.0.1:{autoscalerPort}/");
        await using var controller = KubernetesComponent.Start(Kubeconfig("controller"), "controller-0", "controller",
            "--metrics", $"127.0.0.1:{metricsPorts["controller"]}"); // leader election on, as deployed
        KubernetesComponent[] all = [autoscaler, activator, controller];
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            foreach (var port in metricsPorts.Values)
            {
                await KubernetesComponent.UntilAsync(async () => (await TryGetAsync(http, $"http://127.0.0.1:{port}/readyz"))?.StatusCode == HttpStatusCode.OK, $"/readyz on {port}", all);
            }

            var user = api.CreateClient("user");
            await user.CustomObjects.CreateNamespacedCustomObjectAsync(FunctionBody("hello"), ApiGroup.Group, ApiGroup.Version, Ns, Function.Plural);
            await KubernetesComponent.UntilAsync(() => Task.FromResult(IsReady(api, "hello")), "the Function turns Ready", all);

            // The activator learns of the Function from its own watch, a moment after the controller marked it Ready.
            await KubernetesComponent.UntilAsync(
                async () => (await TryGetAsync(http, $"http://127.0.0.1:{activatorPort}/{Ns}/hello/"))?.StatusCode != HttpStatusCode.NotFound,
                "the activator routes the Function",
                all);
            var response = await http.GetAsync($"http://127.0.0.1:{activatorPort}/{Ns}/hello/greet");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("hello from the instance", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // status.url is routable: its host, sent to the activator, reaches the function.
            var url = new Uri(api.GetObject(Serverless.Hosting.KubeApi.Resources.ResourceTypes.Functions, Ns, "hello")!["status"]!["url"]!.GetValue<string>());
            Assert.Equal("hello.team-a.fn.test", url.Host);
            using var byHost = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{activatorPort}/greet");
            byHost.Headers.Host = url.Host;
            using var routed = await http.SendAsync(byHost);
            Assert.Equal(HttpStatusCode.OK, routed.StatusCode);
            Assert.Equal("hello from the instance /greet", await routed.Content.ReadAsStringAsync());
            // A Function that sets no initialScale starts with the platform's initial-scale (issue #18): the CRD has no
            // schema default that would pin it to 1.
            await user.CustomObjects.CreateNamespacedCustomObjectAsync(FunctionBody("plain", initialScale: null), ApiGroup.Group, ApiGroup.Version, Ns, Function.Plural);
            await KubernetesComponent.UntilAsync(() => Task.FromResult(DeploymentOf(api, "plain-00001") is not null), "the controller creates plain's first revision's Deployment", all);
            Assert.Null(api.GetObject(Serverless.Hosting.KubeApi.Resources.ResourceTypes.Functions, Ns, "plain")!["spec"]!["scale"]?["initialScale"]);
            Assert.Equal(2, DeploymentOf(api, "plain-00001")!["spec"]!["replicas"]!.GetValue<int>());

            // Scale from zero across all three: the activator queues and pokes the autoscaler, which patches
            // deployments/scale of the revision's Deployment (every revision its own, issue #17 item 6); the
            // simulator's pod shows up in its Service's EndpointSlice and the request goes through.
            await user.CustomObjects.CreateNamespacedCustomObjectAsync(FunctionBody("cold", initialScale: 0), ApiGroup.Group, ApiGroup.Version, Ns, Function.Plural);
            await KubernetesComponent.UntilAsync(() => Task.FromResult(IsReady(api, "cold")), "the scaled-to-zero Function turns Ready", all);
            await KubernetesComponent.UntilAsync(
                async () => (await TryGetAsync(http, $"http://127.0.0.1:{activatorPort}/{Ns}/cold/"))?.StatusCode != HttpStatusCode.NotFound,
                "the activator routes the scaled-to-zero Function",
                all);
            var cold = await http.GetAsync($"http://127.0.0.1:{activatorPort}/{Ns}/cold/");
            Assert.Equal(HttpStatusCode.OK, cold.StatusCode);
            Assert.Contains(api.Audit.For("autoscaler"), r => r is { Verb: "patch", Resource: "deployments", Subresource: "scale", Name: "cold-00001", StatusCode: 200 });

            var metrics = await http.GetStringAsync($"http://127.0.0.1:{metricsPorts["activator"]}/metrics");
            // The Function and the revision that served it, as locally: every revision its own workload.
            Assert.Contains("serverless_activator_requests_total{function=\"team-a/hello\",revision=\"hello-00001\",code=\"200\"}", metrics, StringComparison.Ordinal);
            Assert.Contains("serverless_controller_reconcile_total", await http.GetStringAsync($"http://127.0.0.1:{metricsPorts["controller"]}/metrics"), StringComparison.Ordinal);

            // Senders first: the activator reports to the autoscaler until it stops.
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

        foreach (var (identity, allowed) in Allowed)
        {
            var made = api.Audit.For(identity)
                .Select(r => $"{r.Verb} {(r.ApiGroup.Length == 0 ? "core" : r.ApiGroup)}/{r.ResourcePath}")
                .Distinct()
                .Order(StringComparer.Ordinal)
                .ToList();
            output.WriteLine($"{identity}: {string.Join(", ", made)}");
            Assert.Empty(made.Except(allowed));
        }
    }

    private static JsonNode? DeploymentOf(KubeApiDouble api, string name) =>
        api.GetObject(Serverless.Hosting.KubeApi.Resources.ResourceTypes.Deployments, Ns, name);

    /// <param name="initialScale">Both minScale and initialScale; null sets no scale at all.</param>
    private static JsonObject FunctionBody(string name, int? initialScale = 1)
    {
        var spec = new JsonObject
        {
            ["runtime"] = RuntimeNames.Node,
            ["handler"] = "index.js:handle",
            ["source"] = new JsonObject { ["configMap"] = name + "-0123456789" },
        };
        if (initialScale is { } scale)
        {
            spec["scale"] = new JsonObject { ["minScale"] = scale, ["initialScale"] = scale };
        }

        return new JsonObject
        {
            ["apiVersion"] = ApiGroup.ApiVersion,
            ["kind"] = Function.KindName,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Ns },
            ["spec"] = spec,
        };
    }

    private static bool IsReady(KubeApiDouble api, string name) =>
        api.GetObject(Serverless.Hosting.KubeApi.Resources.ResourceTypes.Functions, Ns, name)?["status"]?["conditions"] is JsonArray conditions
        && conditions.Any(c => c?["type"]?.GetValue<string>() == ConditionTypes.Ready && c["status"]?.GetValue<string>() == ConditionStatus.True);

    private static async Task<HttpResponseMessage?> TryGetAsync(HttpClient http, string url)
    {
        try
        {
            return await http.GetAsync(url);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null; // not listening yet, or not answered within the client's timeout: ask again
        }
    }

    /// <summary>Stands in for a function pod: a loopback server answering every path.</summary>
    private sealed class InstanceServer : IDisposable
    {
        private readonly WebApplication _app;

        private InstanceServer(WebApplication app, int port)
        {
            _app = app;
            Port = port;
        }

        public int Port { get; }

        public static async Task<InstanceServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.Run(context => context.Response.WriteAsync("hello from the instance " + context.Request.Path));
            await app.StartAsync();
            return new InstanceServer(app, new Uri(app.Urls.First()).Port);
        }

        public void Dispose() => _app.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
