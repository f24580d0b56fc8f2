using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Serverless.KubeApiServer.Audit;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.TestSupport;
using Xunit.Abstractions;

namespace Serverless.KubeApiServer.Tests.Rbac;

/// <summary>
/// The four real components run against the API double, each with its ServiceAccount's name as identity,
/// through a Function's life (create, reconcile, drift, scale down, an HPA-class Function's autoscaler, a new artifact, a name taken by a user's Service,
/// delete), with a Broker and a Trigger beside it, and a python warm pool (pool-size-python 1): a cold request specializes a pool pod. Every call each one makes must be allowed
/// by deploy/rbac/{component}.yaml, and every grant there must be used by some call, except the few listed
/// in <see cref="NotCallable"/> (no request ever uses them).
/// </summary>
public sealed class RbacCoverageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private static readonly string[] Components = ["controller", "activator", "autoscaler", "broker"];

    /// <summary>Grants no API call uses, each with why it is still needed.</summary>
    private static readonly Dictionary<string, string> NotCallable = new()
    {
        // Checked by the OwnerReferencesPermissionEnforcement admission plugin when a child sets
        // blockOwnerDeletion: true; never a request of its own.
        ["controller: update serverless.dev/functions/finalizers"] = "admission check for blockOwnerDeletion",
        ["controller: update serverless.dev/revisions/finalizers"] = "admission check for blockOwnerDeletion (each revision's Deployment, Service and HorizontalPodAutoscaler)",
    };

    [Fact]
    public async Task Components_FunctionLifecycle_EveryCallAllowedAndEveryGrantUsed()
    {
        using var bound = new CancellationTokenSource(Bound);
        using var work = new TempDirectory("rbac-coverage");
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        File.WriteAllText(Path.Combine(work.Path, "config.json"), """
            {"autoscaler": {"stable-window": "10s", "panic-window-percentage": "10", "scale-to-zero-grace-period": "6s", "tick-interval": "1s"},
             "gc": {"retain-since-create-time": "0s", "min-non-active-revisions": 0}}
            """);
        var autoscalerPort = FreePort.Next();
        var activatorPort = FreePort.Next();
        var processes = new List<KubernetesComponent>();
        var readyz = new List<Uri>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            foreach (var component in Components)
            {
                var kubeconfig = api.WriteKubeconfig(Path.Combine(work.Path, component + ".kubeconfig"), "serverless-" + component);
                var httpPort = component switch { "autoscaler" => autoscalerPort, "activator" => activatorPort, _ => FreePort.Next() };
                var metricsPort = FreePort.Next();
                readyz.Add(new Uri($"http://127.0.0.1:{metricsPort}/readyz"));
                processes.Add(KubernetesComponent.Start(
                    kubeconfig,
                    component + "-0",
                    component,
                    "--http", $"127.0.0.1:{httpPort}",
                    "--metrics", $"127.0.0.1:{metricsPort}",
                    "--config-dir", work.Path,
                    "--autoscaler-url", $"http://127.0.0.1:{autoscalerPort}/",
                    "--pool-size-python", component is "controller" or "activator" ? "1" : "0"));
            }

            foreach (var (process, ready) in processes.Zip(readyz))
            {
                await process.WaitReadyAsync(http, ready, bound.Token);
            }

            // A Function at 2 instances with a floor of 1: the controller creates its first revision's workload
            // (hello-00001: every revision its own Deployment and Service) and status, the autoscaler brings it down
            // to 1 after the stable window (marking pod deletion costs first).
            var client = api.CreateClient("test");

            // The first Revision's create meets AlreadyExists (as when an earlier pass cut it): the controller reads it back.
            var revisionExists = api.Faults.FailNext(1, 409, r => r.Identity == "serverless-controller" && r.Verb == "create" && r.Resource == "revisions");
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(
                JsonNode.Parse("""
                    {"apiVersion":"serverless.dev/v1alpha1","kind":"Function","metadata":{"name":"hello"},
                     "spec":{"runtime":"node","handler":"index.js:handler","source":{"configMap":"hello-0123456789"},
                             "scale":{"minScale":1,"initialScale":2}}}
                    """)!,
                "serverless.dev", "v1alpha1", "team", "functions",
                cancellationToken: bound.Token);
            await Until(
                () => api.GetObject(ResourceTypes.Services, "team", "hello-00001") is not null && api.GetObject(ResourceTypes.Functions, "team", "hello")?["status"] is not null,
                () => "no Service or Function status yet",
                bound.Token);
            await Until(
                () => revisionExists.Remaining == 0 && api.GetObject(ResourceTypes.Revisions, "team", "hello-00001")?["status"] is not null,
                () => "no Revision hello-00001 with a status yet",
                bound.Token);

            // Drift, each first write answered with a conflict as under contention: the controller re-reads and restores.
            api.Faults.FailNext(1, 409, r => r.Identity == "serverless-controller" && r.Verb == "update" && r.Resource == "deployments");
            api.Faults.FailNext(1, 409, r => r.Identity == "serverless-controller" && r.Verb == "update" && r.Resource == "services");
            var statusConflict = api.Faults.FailNext(1, 409, r => r.Identity == "serverless-controller" && r.Verb == "update" && r.ResourcePath == "functions/status");
            await client.AppsV1.PatchNamespacedDeploymentAsync(
                new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"function","image":"drifted:1"}]}}}}""", V1Patch.PatchType.MergePatch),
                "hello-00001", "team", cancellationToken: bound.Token);
            await client.CoreV1.PatchNamespacedServiceAsync(
                new V1Patch("""{"spec":{"ports":[{"name":"http","port":81,"targetPort":9999}]}}""", V1Patch.PatchType.MergePatch),
                "hello-00001", "team", cancellationToken: bound.Token);
            await Until(
                () => Succeeded(api, "update", "deployments") && Succeeded(api, "update", "services"),
                () => "the controller has not restored the drifted Deployment and Service",
                bound.Token);

            // Idle samples except one busy instance, as an activator reports them, let the KPA decide a scale-down
            // and the autoscaler protect the busy pod with a deletion cost first.
            var busyPod = api.ListObjects(ResourceTypes.Pods, "team").First()["metadata"]!["name"]!.GetValue<string>();
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(bound.Token);
            var reporting = ReportIdleAsync(http, autoscalerPort, busyPod, idle.Token);
            await Until(
                () => Replicas(api) == 1 && api.GetObject(ResourceTypes.Functions, "team", "hello")?["status"] is not null,
                () => $"replicas {Replicas(api)}, status {api.GetObject(ResourceTypes.Functions, "team", "hello")?["status"]?.ToJsonString()}",
                bound.Token);
            await idle.CancelAsync();
            await reporting;
            await Until(() => statusConflict.Remaining == 0, () => "no status write met the injected conflict", bound.Token);

            // The broker role keeps Broker and Trigger status; with no RabbitMQ configured the Broker says so.
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(
                JsonNode.Parse("""{"apiVersion":"serverless.dev/v1alpha1","kind":"Broker","metadata":{"name":"default"},"spec":{}}""")!,
                "serverless.dev", "v1alpha1", "team", "brokers", cancellationToken: bound.Token);
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(
                JsonNode.Parse("""
                    {"apiVersion":"serverless.dev/v1alpha1","kind":"Trigger","metadata":{"name":"orders"},
                     "spec":{"broker":"default","subscriber":{"ref":{"kind":"Function","name":"hello"}}}}
                    """)!,
                "serverless.dev", "v1alpha1", "team", "triggers", cancellationToken: bound.Token);
            await Until(
                () => Reason(api.GetObject(ResourceTypes.Brokers, "team", "default")) == "BrokerClassUnavailable" && Reason(api.GetObject(ResourceTypes.Triggers, "team", "orders")) is not null,
                () => "the broker role has not written the Broker's and the Trigger's status",
                bound.Token);

            // A python Function at zero with a warm pool: the controller creates the pool Deployment in its namespace. A
            // claim whose Function does not exist is retired by the controller. A cold request makes the activator
            // claim a pool pod, read the artifact and specialize it; no runtime listens at the double's pod address, so
            // the specialization fails and the activator deletes the pod.
            await client.CoreV1.CreateNamespacedConfigMapAsync(
                new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "warm-artifact" }, BinaryData = new Dictionary<string, byte[]> { ["function.tar.gz"] = [1, 2, 3] } },
                "team",
                cancellationToken: bound.Token);
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(
                JsonNode.Parse("""
                    {"apiVersion":"serverless.dev/v1alpha1","kind":"Function","metadata":{"name":"warm"},
                     "spec":{"runtime":"python","handler":"main:handle","source":{"configMap":"warm-artifact"},"scale":{"initialScale":0}}}
                    """)!,
                "serverless.dev", "v1alpha1", "team", "functions", cancellationToken: bound.Token);
            await Until(() => PoolPods(api).Count == 1, () => "no idle python pool pod", bound.Token);
            await client.CoreV1.PatchNamespacedPodAsync(
                new V1Patch("""{"metadata":{"labels":{"serverless.dev/pool":null,"serverless.dev/claimed-for":"nobody"}}}""", V1Patch.PatchType.MergePatch),
                PoolPods(api)[0], "team", cancellationToken: bound.Token);

            // The pool's NetworkPolicy, opened by hand, is put back by the controller's next pass.
            await client.NetworkingV1.PatchNamespacedNetworkPolicyAsync(
                new V1Patch("""{"spec":{"ingress":[{}]}}""", V1Patch.PatchType.MergePatch), "serverless.pool", "team", cancellationToken: bound.Token);
            await client.CustomObjects.PatchNamespacedCustomObjectAsync(
                new V1Patch("""{"metadata":{"annotations":{"touched":"1"}}}""", V1Patch.PatchType.MergePatch),
                "serverless.dev", "v1alpha1", "team", "functions", "warm", cancellationToken: bound.Token);
            await Until(() => Succeeded(api, "delete", "pods"), () => "the controller has not retired the orphaned claim", bound.Token);
            await Until(() => PoolPods(api).Count == 1, () => "the pool has not refilled", bound.Token);
            await Until(() => Succeeded(api, "update", "networkpolicies"), () => "the controller has not restored the pool's NetworkPolicy", bound.Token);
            using (var cold = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{activatorPort}/"))
            {
                cold.Headers.Host = "warm.team.example.com";
                try
                {
                    using var answer = await http.SendAsync(cold, bound.Token);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !bound.IsCancellationRequested)
                {
                    // The request itself fails (nothing runs the function here): the calls are what this test is after.
                }
            }

            await Until(
                () => api.Audit.For("serverless-activator").Any(r => r.Verb == "delete" && r.Resource == "pods" && r.StatusCode == 200),
                () => "the activator has not deleted the pool pod whose specialization failed",
                bound.Token);
            await client.CustomObjects.DeleteNamespacedCustomObjectAsync("serverless.dev", "v1alpha1", "team", "functions", "warm", cancellationToken: bound.Token);
            await Until(() => api.GetObject(ResourceTypes.Deployments, "team", "serverless.pool-python") is null, () => "the pool outlived the namespace's last python Function", bound.Token);
            await Until(() => api.GetObject(ResourceTypes.NetworkPolicies, "team", "serverless.pool") is null, () => "the pool's NetworkPolicy outlived the namespace's last pool", bound.Token);

            // An HPA-class Function: the controller creates its HorizontalPodAutoscaler, restores an edit to it (the first
            // write answered with a conflict, so it re-reads), and deletes it when the Function leaves the class.
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(
                JsonNode.Parse("""
                    {"apiVersion":"serverless.dev/v1alpha1","kind":"Function","metadata":{"name":"burner"},
                     "spec":{"runtime":"node","handler":"index.js:handler","image":"ghcr.io/serverless-dev/hello-node:0.1.0",
                             "scale":{"class":"hpa.autoscaling.knative.dev","metric":"cpu","target":70,"minScale":1,"maxScale":5}}}
                    """)!,
                "serverless.dev", "v1alpha1", "team", "functions", cancellationToken: bound.Token);
            await Until(() => api.GetObject(ResourceTypes.HorizontalPodAutoscalers, "team", "burner-00001") is not null, () => "no HorizontalPodAutoscaler", bound.Token);
            api.Faults.FailNext(1, 409, r => r.Identity == "serverless-controller" && r.Verb == "update" && r.Resource == "horizontalpodautoscalers");
            await client.AutoscalingV2.PatchNamespacedHorizontalPodAutoscalerAsync(
                new V1Patch("""{"spec":{"maxReplicas":50}}""", V1Patch.PatchType.MergePatch), "burner-00001", "team", cancellationToken: bound.Token);
            await Until(
                () => Succeeded(api, "update", "horizontalpodautoscalers")
                    && api.GetObject(ResourceTypes.HorizontalPodAutoscalers, "team", "burner-00001")?["spec"]?["maxReplicas"]?.GetValue<int>() == 5,
                () => "the controller has not restored the edited HorizontalPodAutoscaler",
                bound.Token);
            await client.CustomObjects.PatchNamespacedCustomObjectAsync(
                new V1Patch("""{"spec":{"scale":{"class":null,"metric":"concurrency","target":null}}}""", V1Patch.PatchType.MergePatch),
                "serverless.dev", "v1alpha1", "team", "functions", "burner", cancellationToken: bound.Token);
            await Until(() => api.GetObject(ResourceTypes.HorizontalPodAutoscalers, "team", "burner-00001") is null, () => "the HorizontalPodAutoscaler outlived the class", bound.Token);
            await client.CustomObjects.DeleteNamespacedCustomObjectAsync("serverless.dev", "v1alpha1", "team", "functions", "burner", cancellationToken: bound.Token);

            // A new artifact cuts a Revision with a Deployment of its own; once the old revision's Deployment is gone
            // (after its scale-to-zero grace) and the old Revision collected with it (gc retention 0 here; a Revision
            // that still exists can be routed to again), its ConfigMap is deleted.
            foreach (var artifact in new[] { "hello-0123456789", "hello-fedcba9876" })
            {
                await client.CoreV1.CreateNamespacedConfigMapAsync(
                    new V1ConfigMap
                    {
                        Metadata = new V1ObjectMeta { Name = artifact, Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "serverless", ["serverless.dev/function"] = "hello" } },
                        BinaryData = new Dictionary<string, byte[]> { ["function.tar.gz"] = [1, 2, 3] },
                    },
                    "team",
                    cancellationToken: bound.Token);
            }

            await client.CustomObjects.PatchNamespacedCustomObjectAsync(
                new V1Patch("""{"spec":{"source":{"configMap":"hello-fedcba9876"}}}""", V1Patch.PatchType.MergePatch),
                "serverless.dev", "v1alpha1", "team", "functions", "hello", cancellationToken: bound.Token);
            await Until(
                () => api.GetObject(ResourceTypes.ConfigMaps, "team", "hello-0123456789") is null,
                () => "the superseded artifact ConfigMap is still there",
                bound.Token);
            Assert.NotNull(api.GetObject(ResourceTypes.ConfigMaps, "team", "hello-fedcba9876"));
            Assert.Null(api.GetObject(ResourceTypes.Revisions, "team", "hello-00001"));

            // A user's Service has the name a Function's first revision wants: left alone, the Function says NotOwned,
            // and every retry repeats the Warning Event (a patch of its count). Deleting the Function leaves the user's Service.
            await client.CoreV1.CreateNamespacedServiceAsync(
                new V1Service { Metadata = new V1ObjectMeta { Name = "taken-00001" }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] } },
                "team",
                cancellationToken: bound.Token);
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(
                JsonNode.Parse("""
                    {"apiVersion":"serverless.dev/v1alpha1","kind":"Function","metadata":{"name":"taken"},
                     "spec":{"runtime":"node","handler":"index.js:handler","image":"ghcr.io/serverless-dev/hello-node:0.1.0"}}
                    """)!,
                "serverless.dev", "v1alpha1", "team", "functions",
                cancellationToken: bound.Token);
            await Until(
                () => Reason(api.GetObject(ResourceTypes.Functions, "team", "taken")) == "NotOwned" && Succeeded(api, "patch", "events"),
                () => $"Function taken: {Reason(api.GetObject(ResourceTypes.Functions, "team", "taken"))}; no repeated Event",
                bound.Token);
            await client.CustomObjects.DeleteNamespacedCustomObjectAsync("serverless.dev", "v1alpha1", "team", "functions", "taken", cancellationToken: bound.Token);
            await Until(() => api.GetObject(ResourceTypes.Deployments, "team", "taken-00001") is null, () => "the Deployment outlived its Function", bound.Token);
            var users = api.GetObject(ResourceTypes.Services, "team", "taken-00001");
            Assert.NotNull(users);
            Assert.Null(users["metadata"]?["ownerReferences"]);

            // A spec the controller refuses: it deletes the workload itself rather than run a broken revision. The API
            // server lets it through (its schema counts 20,000 characters, core counts 40,000 bytes of UTF-8 over its
            // 32 KiB limit), as it would let this one through on a real cluster.
            var oversized = new JsonObject { ["spec"] = new JsonObject { ["env"] = new JsonArray(new JsonObject { ["name"] = "BIG", ["value"] = new string('é', 20_000) }) } };
            await client.CustomObjects.PatchNamespacedCustomObjectAsync(
                new V1Patch(oversized.ToJsonString(), V1Patch.PatchType.MergePatch),
                "serverless.dev", "v1alpha1", "team", "functions", "hello", cancellationToken: bound.Token);
            await Until(
                () => Succeeded(api, "delete", "deployments") && Succeeded(api, "delete", "services"),
                () => "the controller has not deleted the workload of the invalid Function",
                bound.Token);

            await client.CustomObjects.DeleteNamespacedCustomObjectAsync("serverless.dev", "v1alpha1", "team", "functions", "hello", cancellationToken: bound.Token);
            await Until(() => api.ListObjects(ResourceTypes.Deployments, "team").Count(d => d["metadata"]?["name"]?.GetValue<string>()?.StartsWith("hello-", StringComparison.Ordinal) == true) == 0, () => "a Deployment outlived its Function", bound.Token);
        }
        finally
        {
            foreach (var process in processes)
            {
                output.WriteLine(process.Output);
                await process.DisposeAsync();
            }
        }

        var rbac = string.Join("\n---\n", Components.Select(c => File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "rbac", c + ".yaml"))));
        var denied = new List<string>();
        var unused = new List<string>();
        foreach (var component in Components)
        {
            var policy = RbacPolicy.ForServiceAccount(rbac, "serverless-system", "serverless-" + component);
            var calls = api.Audit.For("serverless-" + component);
            Assert.NotEmpty(calls);
            var used = new HashSet<RbacGrant>();
            foreach (var call in calls)
            {
                var allowing = policy.Allowing(call);
                if (allowing.Count == 0)
                {
                    denied.Add($"{component}: {Describe(call)}");
                }

                used.UnionWith(allowing);
            }

            unused.AddRange(policy.Grants.Except(used)
                .Select(g => $"{component}: {g.Verb} {(g.ApiGroup.Length == 0 ? "core" : g.ApiGroup)}/{g.Resource}")
                .Where(g => !NotCallable.ContainsKey(g)));
            output.WriteLine($"{component}: {calls.Count} calls; {string.Join(", ", calls.Select(Describe).Distinct().Order())}");
        }

        Assert.True(denied.Count == 0, "calls RBAC would refuse:\n" + string.Join("\n", denied.Distinct()));
        Assert.True(unused.Count == 0, "grants no call used:\n" + string.Join("\n", unused.Distinct()));
    }

    private static string? Reason(JsonObject? resource) =>
        (resource?["status"]?["conditions"] as JsonArray)?.FirstOrDefault(c => c?["type"]?.GetValue<string>() == "Ready")?["reason"]?.GetValue<string>();

    private static List<string> PoolPods(KubeApiDouble api) =>
        api.ListObjects(ResourceTypes.Pods, "team")
            .Where(p => p["metadata"]?["labels"]?["serverless.dev/pool"]?.GetValue<string>() == "python" && p["metadata"]?["deletionTimestamp"] is null)
            .Select(p => p["metadata"]!["name"]!.GetValue<string>())
            .ToList();

    private static int? Replicas(KubeApiDouble api) =>
        api.GetObject(ResourceTypes.Deployments, "team", "hello-00001")?["spec"]?["replicas"]?.GetValue<int>();

    private static string Describe(AuditRecord call) =>
        $"{call.Verb} {(call.ApiGroup.Length == 0 ? "core" : call.ApiGroup)}/{call.ResourcePath}{(call.Namespace is null ? "" : " in " + call.Namespace)}{(call.Name is null ? "" : " " + call.Name)}";

    private static async Task Until(Func<bool> condition, Func<string> state, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            try
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (OperationCanceledException e)
            {
                throw new TimeoutException("gave up waiting: " + state(), e);
            }
        }
    }

    private static bool Succeeded(KubeApiDouble api, string verb, string resource) =>
        api.Audit.For("serverless-controller").Any(r => r.Verb == verb && r.Resource == resource && r.StatusCode == 200);

    private static async Task ReportIdleAsync(HttpClient http, int autoscalerPort, string busyPod, CancellationToken cancellationToken)
    {
        var stats = new Uri($"http://127.0.0.1:{autoscalerPort}/stats");
        while (!cancellationToken.IsCancellationRequested)
        {
            var body = $$$"""
                {"activator":"test-activator","samples":[{"namespace":"team","name":"hello-00001","time":"{{{DateTimeOffset.UtcNow:O}}}",
                 "averageConcurrency":0,"peakConcurrency":1,"requestsPerSecond":0,"queueDepth":0,"instances":{"{{{busyPod}}}":1}}]}
                """;
            try
            {
                using var response = await http.PostAsync(stats, new StringContent(body, System.Text.Encoding.UTF8, "application/json"), cancellationToken);
                await Task.Delay(1000, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
