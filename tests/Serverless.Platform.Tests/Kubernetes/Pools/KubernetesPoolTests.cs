using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Backends.Kubernetes.Pools;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Core.Api;
using Serverless.Core.Serialization;
using Serverless.Core.Workloads;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.KubeApiServer;
using Serverless.TestSupport;
using Xunit.Abstractions;

namespace Serverless.Platform.Tests.Kubernetes.Pools;

/// <summary>
/// Warm pools on Kubernetes against the API double and its Deployment simulator: the controller's pool Deployment, and
/// the activator's specialization of a pool pod. The double runs no containers, so a real python runtime in generic
/// mode on loopback stands in for each pool pod's process (the specializer's admin address maps a pod to it).
/// </summary>
public sealed class KubernetesPoolTests(ITestOutputHelper output)
{
    private const string Ns = "team-a";
    private const string Runtime = RuntimeNames.Python;

    /// <summary>A handler of the C# test function: answers its configuration's value of <c>?key=</c>.</summary>
    private const string DotnetHandler = "DotnetTest::DotnetTest.Settings::Read";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Reconcile_PoolDeployment_NReplicasRestrictedGeneric_DeletedWithLastFunction()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var client = api.CreateClient("controller");
        var pools = Reconciler(client, size: 2);
        var function = await CreateFunctionAsync(api, "hello", "main:handle");

        await pools.ReconcileAsync([function, Function("other-runtime", RuntimeNames.Node)], CancellationToken.None);

        var deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(PoolLabels.DeploymentName(Runtime), Ns);
        Assert.Equal(2, deployment.Spec.Replicas);
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        Assert.Contains(container.Env, e => e.Name == "FUNCTION_GENERIC" && e.Value == "1");
        var secret = await client.CoreV1.ReadNamespacedSecretAsync(PoolKeyStore.SecretName, "serverless-system");
        using (var key = PoolSigningKey.FromPem(Encoding.UTF8.GetString(secret.Data[PoolKeyStore.DataKey])))
        {
            Assert.Equal(key.PublicJwk, PoolDeploymentBuilder.KeyOf(deployment.Spec.Template.Spec));
        }

        Assert.Contains(container.Env, e => e.Name == PoolDeploymentBuilder.PodUidVariable && e.ValueFrom.FieldRef.FieldPath == "metadata.uid");
        Assert.DoesNotContain(container.Env, e => e.Name == "SPECIALIZE_TOKEN");
        Assert.Null(deployment.Spec.Template.Spec.Volumes.FirstOrDefault(v => v.Secret is not null || v.Projected is not null));
        Assert.Equal(Runtime, deployment.Spec.Template.Metadata.Labels[PoolLabels.FromPool]);
        var policy = await client.NetworkingV1.ReadNamespacedNetworkPolicyAsync(PoolNetworkPolicyBuilder.Name, Ns);
        Assert.Equal(["Ingress"], policy.Spec.PolicyTypes);
        Assert.Equal((PoolLabels.FromPool, "Exists"), (policy.Spec.PodSelector.MatchExpressions.Single().Key, policy.Spec.PodSelector.MatchExpressions.Single().OperatorProperty));
        var platformRule = policy.Spec.Ingress.Single(r => r.Ports.Single().Port.Value == "9091");
        var peer = Assert.Single(platformRule.FromProperty);
        Assert.Equal("serverless-system", peer.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]);
        Assert.Equal("activator", peer.PodSelector.MatchLabels["app.kubernetes.io/component"]);
        Assert.Null(policy.Spec.Ingress.Single(r => r.Ports.Single().Port.Value == "8080").FromProperty);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        Assert.False(deployment.Spec.Template.Spec.AutomountServiceAccountToken);
        await KubeUntil(async () => (await IdlePodsAsync(client)).Count == 2, "two idle pool pods");
        IReadOnlyDictionary<string, int>? idle = null;
        await KubeUntil(
            async () =>
            {
                await new PoolReconciler(client, Options(2), new KubernetesWorkloadOptions(), TimeProvider.System, NullLogger<PoolReconciler>.Instance) { IdleReported = i => idle = i }
                    .ReconcileAsync([function], CancellationToken.None);
                return idle?["python"] == 2;
            },
            "serverless_pool_idle's source reports the two ready pool pods");
        Assert.Equal((0, 0), (idle!["node"], idle["dotnet"]));

        // No node pool: pool-size-node is 0.
        Assert.Empty((await client.AppsV1.ListNamespacedDeploymentAsync(Ns, labelSelector: PoolLabels.IdleSelector(RuntimeNames.Node))).Items);

        // A resize (by another term's reconciler, which reads the same key) is applied, the key kept.
        var publicKey = PoolDeploymentBuilder.KeyOf(deployment.Spec.Template.Spec);
        await Reconciler(client, size: 3).ReconcileAsync([function], CancellationToken.None);
        deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(PoolLabels.DeploymentName(Runtime), Ns);
        Assert.Equal(3, deployment.Spec.Replicas);
        Assert.Equal(publicKey, PoolDeploymentBuilder.KeyOf(deployment.Spec.Template.Spec));

        // A policy edited by hand is put back.
        policy.Spec.Ingress = [new V1NetworkPolicyIngressRule()];
        await client.NetworkingV1.ReplaceNamespacedNetworkPolicyAsync(policy, policy.Metadata.Name, Ns);
        await pools.ReconcileAsync([function], CancellationToken.None);
        Assert.Equal(2, (await client.NetworkingV1.ReadNamespacedNetworkPolicyAsync(PoolNetworkPolicyBuilder.Name, Ns)).Spec.Ingress.Count);

        await pools.ReconcileAsync([], CancellationToken.None);
        Assert.Empty((await client.AppsV1.ListNamespacedDeploymentAsync(Ns, labelSelector: PoolLabels.AnyPoolSelector)).Items);
        Assert.Empty((await client.NetworkingV1.ListNamespacedNetworkPolicyAsync(Ns)).Items);
    }

    [Fact]
    public async Task ColdStart_SpecializesPoolPod_RelabelledReplacedAndInFunctionEndpoints()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var client = api.CreateClient("controller");
        var function = await CreateFunctionAsync(api, "hello", "main:handle");
        await Reconciler(client, size: 1).ReconcileAsync([function], CancellationToken.None);
        await CreateFunctionWorkloadAsync(client, function);
        var idle = Assert.Single(await WaitIdleAsync(client, 1));
        using var dir = new TempDirectory("pool-fn");
        await using var runtime = await GenericRuntimeAsync(idle);
        var specializer = Specializer(client, dir.Path, _ => runtime);

        var clock = Stopwatch.StartNew();
        var result = await specializer.SpecializeAsync(function, CancellationToken.None);
        var specialized = clock.Elapsed;
        using var first = await runtime.Client.GetAsync("/?name=pool");
        var firstByte = clock.Elapsed;
        output.WriteLine($"claim + artifact + specialize: {specialized.TotalMilliseconds:F1} ms; + first response: {firstByte.TotalMilliseconds:F1} ms");

        Assert.Equal(PoolOutcome.Specialized, result.Outcome);
        Assert.Equal(idle.Metadata.Name, result.Pod);
        Assert.Equal("hello from hello: pool", await first.Content.ReadAsStringAsync());
        var pod = await client.CoreV1.ReadNamespacedPodAsync(idle.Metadata.Name, Ns);
        Assert.False(pod.Metadata.Labels.ContainsKey(PoolLabels.Pool));
        Assert.Equal("hello", pod.Metadata.Labels[WorkloadLabels.Function]);
        Assert.Equal(WorkloadSpecBuilder.Build(function).Revision, pod.Metadata.Labels[WorkloadLabels.Revision]);
        Assert.Equal(function.Metadata.Uid, Assert.Single(pod.Metadata.OwnerReferences).Uid);

        // The pool's ReplicaSet replaced it; the function's EndpointSlice lists it.
        var replacement = Assert.Single(await WaitIdleAsync(client, 1));
        Assert.NotEqual(idle.Metadata.Name, replacement.Metadata.Name);
        await KubeUntil(async () => (await EndpointPodsAsync(client, "hello")).Contains(idle.Metadata.Name), "the function's EndpointSlice lists the specialized pod");

        // Deleting the Function collects the pod it owns.
        await client.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, Ns, Core.Api.Function.Plural, "hello");
        await KubeUntil(async () => (await client.CoreV1.ListNamespacedPodAsync(Ns, fieldSelector: "metadata.name=" + idle.Metadata.Name)).Items.Count == 0, "the specialized pod is collected with its Function");
    }

    [Fact]
    public async Task Retire_OwnPodsReady_SpecializedPodDeletedNeverReturned()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var client = api.CreateClient("controller");
        var function = await CreateFunctionAsync(api, "hello", "main:handle");
        var pools = Reconciler(client, size: 1);
        await pools.ReconcileAsync([function], CancellationToken.None);
        await CreateFunctionWorkloadAsync(client, function);
        var idle = Assert.Single(await WaitIdleAsync(client, 1));
        using var dir = new TempDirectory("pool-fn");
        await using var runtime = await GenericRuntimeAsync(idle);
        Assert.Equal(PoolOutcome.Specialized, (await Specializer(client, dir.Path, _ => runtime).SpecializeAsync(function, CancellationToken.None)).Outcome);

        // At zero, freshly claimed: kept (the scale-from-zero may not have landed yet).
        await pools.ReconcileAsync([function], CancellationToken.None);
        Assert.Single((await client.CoreV1.ListNamespacedPodAsync(Ns, fieldSelector: "metadata.name=" + idle.Metadata.Name)).Items);

        // The function's own pod is ready: the bridge goes, and does not come back to the pool.
        await client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":1}}""", V1Patch.PatchType.MergePatch), "hello", Ns);
        await KubeUntil(async () => (await client.AppsV1.ReadNamespacedDeploymentAsync("hello", Ns)).Status?.ReadyReplicas == 1, "the function's own pod is ready");
        await pools.ReconcileAsync([function], CancellationToken.None);

        Assert.Empty((await client.CoreV1.ListNamespacedPodAsync(Ns, fieldSelector: "metadata.name=" + idle.Metadata.Name)).Items);
        Assert.DoesNotContain(idle.Metadata.Name, (await IdlePodsAsync(client)).Select(p => p.Metadata.Name));
        await KubeUntil(async () => !(await EndpointPodsAsync(client, "hello")).Contains(idle.Metadata.Name), "the retired pod left the function's endpoints");
    }

    [Fact]
    public async Task ColdStart_IntoTheLatestRevisionsWorkload_JoinsItsServiceAndRetiredOnceItsDeploymentServes()
    {
        // Every revision its own Deployment and Service (issue #17 item 6): a pool pod specialized for the latest
        // revision gets that revision's pod labels, so its Service (not a Function-named one) lists it, and the pool
        // pass retires it once the revision's own Deployment has ready pods.
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var client = api.CreateClient("controller");
        var function = await CreateFunctionAsync(api, "hello", "main:handle");
        var pools = Reconciler(client, size: 1);
        await pools.ReconcileAsync([function], CancellationToken.None);
        var revision = await CreateRevisionWorkloadAsync(client, function, "hello-00001");
        var idle = Assert.Single(await WaitIdleAsync(client, 1));
        using var dir = new TempDirectory("pool-fn");
        await using var runtime = await GenericRuntimeAsync(idle);

        var result = await Specializer(client, dir.Path, _ => runtime).SpecializeAsync(function, "hello-00001", CancellationToken.None);

        Assert.Equal(PoolOutcome.Specialized, result.Outcome);
        using (var first = await runtime.Client.GetAsync("/?name=rev"))
        {
            Assert.Equal("hello from hello: rev", await first.Content.ReadAsStringAsync());
        }

        // K_REVISION is the Revision's name, as Knative's runtime contract has it: the runtime labels its series with it.
        using (var scraper = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            var metrics = await scraper.GetStringAsync($"http://127.0.0.1:{runtime.PlatformPort}/metrics");
            Assert.Contains("function=\"hello\",revision=\"hello-00001\"", metrics, StringComparison.Ordinal);
        }

        var pod = await client.CoreV1.ReadNamespacedPodAsync(idle.Metadata.Name, Ns);
        Assert.Equal(
            ("hello", "hello-00001", revision.Spec.ContentHash),
            (pod.Metadata.Labels[WorkloadLabels.Function], pod.Metadata.Labels[WorkloadLabels.RevisionName], pod.Metadata.Labels[WorkloadLabels.Revision]));
        Assert.False(pod.Metadata.Labels.ContainsKey(WorkloadLabels.ManagedBy));
        await KubeUntil(async () => (await EndpointPodsAsync(client, "hello-00001")).Contains(idle.Metadata.Name), "the revision's EndpointSlice lists the specialized pod");

        // At zero, freshly claimed: kept. The revision's own pod is ready: the bridge goes.
        await pools.ReconcileAsync([function], CancellationToken.None);
        Assert.Single((await client.CoreV1.ListNamespacedPodAsync(Ns, fieldSelector: "metadata.name=" + idle.Metadata.Name)).Items);
        await client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":1}}""", V1Patch.PatchType.MergePatch), "hello-00001", Ns);
        await KubeUntil(async () => (await client.AppsV1.ReadNamespacedDeploymentAsync("hello-00001", Ns)).Status?.ReadyReplicas == 1, "the revision's own pod is ready");
        await pools.ReconcileAsync([function], CancellationToken.None);

        Assert.Empty((await client.CoreV1.ListNamespacedPodAsync(Ns, fieldSelector: "metadata.name=" + idle.Metadata.Name)).Items);
        await KubeUntil(async () => !(await EndpointPodsAsync(client, "hello-00001")).Contains(idle.Metadata.Name), "the retired pod left the revision's endpoints");
    }

    /// <summary>
    /// The specialization path, 10 cold starts in a row, each on a fresh pool pod and a fresh generic runtime: the
    /// specializer's whole call (list, claim patch, artifact read, <c>POST /specialize</c>, label patch) and the first
    /// response after it. What a cluster adds (the EndpointSlice controller and the activator's watch noticing the
    /// relabelled pod; pod-network round trips) is not in it: the double answers on loopback.
    /// </summary>
    [Theory]
    [InlineData(RuntimeNames.Python, "main:handle", "/?name=m", "hello from hello: m")]
    [InlineData(RuntimeNames.Node, "lib/index.js:handle", "/?name=m", "hello from hello: m")]
    [InlineData(RuntimeNames.Dotnet, DotnetHandler, "/?key=K_SERVICE", "hello")]
    public async Task Measure_SpecializationPath_TenColdStarts(string runtimeName, string handler, string path, string expected)
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var client = api.CreateClient("controller");
        var function = await CreateFunctionAsync(api, "hello", handler, runtimeName);
        var options = new KubernetesPoolOptions { Sizes = new Dictionary<string, int> { [runtimeName] = 1 } };
        await new PoolReconciler(client, options, new KubernetesWorkloadOptions(), TimeProvider.System, NullLogger<PoolReconciler>.Instance).ReconcileAsync([function], CancellationToken.None);

        // One specializer for all runs, as in an activator: the signing key is read once, on the first cold start.
        RuntimeInstance? current = null;
        string? currentDir = null;
        var specializer = new PoolSpecializer(client, new HttpClient(), options, TimeProvider.System, NullLogger<PoolSpecializer>.Instance)
        {
            AdminAddress = _ => new Uri($"http://127.0.0.1:{current!.PlatformPort}/"),
            FunctionPathFor = _ => currentDir!,
        };
        var specialize = new List<double>();
        var firstByte = new List<double>();
        for (var run = 0; run < 10; run++)
        {
            V1Pod? idle = null;
            await KubeUntil(
                async () => (idle = (await client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: PoolLabels.IdleSelector(runtimeName))).Items.SingleOrDefault(p => p.Status?.PodIP is not null)) is not null,
                "an idle pool pod");
            using var dir = new TempDirectory("pool-fn");
            await using var runtime = await GenericRuntimeAsync(idle!, runtimeName);
            (current, currentDir) = (runtime, dir.Path);

            var clock = Stopwatch.StartNew();
            var result = await specializer.SpecializeAsync(function, CancellationToken.None);
            specialize.Add(clock.Elapsed.TotalMilliseconds);
            using var response = await runtime.Client.GetAsync(path);
            firstByte.Add(clock.Elapsed.TotalMilliseconds);

            Assert.Equal(PoolOutcome.Specialized, result.Outcome);
            Assert.Equal(expected, await response.Content.ReadAsStringAsync());
            await client.CoreV1.DeleteNamespacedPodAsync(idle!.Metadata.Name, Ns);
        }

        var signing = new List<double>();
        using (var key = PoolSigningKey.Create())
        {
            var body = new byte[4096];
            for (var i = 0; i < 20; i++)
            {
                var clock = Stopwatch.StartNew();
                _ = key.Authorization(Guid.NewGuid().ToString(), body);
                signing.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        static string Summary(List<double> values)
        {
            var sorted = values.Order().ToList();
            return $"p50 {sorted[sorted.Count / 2]:F1} ms, p90 {sorted[(int)(sorted.Count * 0.9) - 1]:F1} ms, max {sorted[^1]:F1} ms";
        }

        output.WriteLine($"{runtimeName}: specializer (list, claim, artifact, signature, /specialize, labels): {Summary(specialize)}");
        output.WriteLine($"{runtimeName}: + first response: {Summary(firstByte)}");
        output.WriteLine($"RSA-2048 signature of a specialization: {Summary(signing)}");
    }

    /// <summary>
    /// The pools' NetworkPolicy through the real kubectl (v1.32): applied as a manifest, read back with kubectl's own
    /// decoding, and described. The double has no OpenAPI schemas for built-in kinds (kubectl's validation fails to
    /// download them: --validate=false), so field validation is not what this checks; the policy is built from
    /// KubernetesClient's generated networking.k8s.io/v1 model.
    /// </summary>
    [Fact]
    public async Task NetworkPolicy_ThroughKubectl_AppliedReadBackAndDescribed()
    {
        await using var api = await KubeApiDouble.StartAsync();
        using var dir = new TempDirectory("kubectl");
        var kubectl = new Serverless.TestSupport.Kubectl(api.WriteKubeconfig(Path.Combine(dir.Path, "config"), "admin", Ns), dir.Path);
        var policy = PoolNetworkPolicyBuilder.Build(Ns, "serverless-system");
        var file = Path.Combine(dir.Path, "policy.json");
        await File.WriteAllTextAsync(file, KubernetesJson.Serialize(policy));

        var applied = await kubectl.RunAsync("apply", "--server-side", "--field-manager", "serverless", "--validate=false", "-f", file);
        var read = await kubectl.RunAsync("get", "networkpolicy", PoolNetworkPolicyBuilder.Name, "-n", Ns, "-o", "json");
        var described = await kubectl.RunAsync("describe", "networkpolicy", PoolNetworkPolicyBuilder.Name, "-n", Ns);

        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.True(read.ExitCode == 0, read.ToString());
        Assert.True(PoolNetworkPolicyBuilder.Matches(KubernetesJson.Deserialize<V1NetworkPolicy>(read.StdOut), policy), read.StdOut);
        Assert.True(described.ExitCode == 0, described.ToString());
        Assert.Contains("serverless.dev/from-pool", described.StdOut, StringComparison.Ordinal);
        Assert.Contains("9091/TCP", described.StdOut, StringComparison.Ordinal);
        Assert.Contains("NamespaceSelector: kubernetes.io/metadata.name=serverless-system", described.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void Allocate_Table()
    {
        var sizes = new Dictionary<string, int> { [RuntimeNames.Python] = 2, [RuntimeNames.Node] = 1 };
        (string, string) P(string ns, string runtime = RuntimeNames.Python) => (ns, runtime);
        var cases = new (string Name, (string, string)[] Pools, int Max, int[] Expected)[]
        {
            ("room for all", [P("a"), P("b")], 100, [2, 2]),
            ("round-robin: every pool its first pod before any its second", [P("c"), P("a"), P("b")], 4, [2, 1, 1]),
            ("more pools than pods: the last in order get none", [P("a"), P("b"), P("c")], 2, [1, 1, 0]),
            ("each up to its runtime's size", [P("a", RuntimeNames.Node), P("a")], 5, [1, 2]),
            ("exactly the sum", [P("a", RuntimeNames.Node), P("a"), P("b")], 5, [1, 2, 2]),
            ("one pod", [P("b"), P("a")], 1, [1, 0]),
        };
        foreach (var (name, pools, max, expected) in cases)
        {
            var allocated = PoolSizing.Allocate(pools, r => sizes.GetValueOrDefault(r), max);
            var ordered = pools.Order().ToList();
            Assert.True(expected.SequenceEqual(ordered.Select(p => allocated[p])), $"{name}: {string.Join(", ", ordered.Select(p => $"{p}={allocated[p]}"))}");
            Assert.True(allocated.Values.Sum() <= max, name);
        }
    }

    /// <summary>
    /// Issue #21 item 1's cap on Kubernetes: idle pool pods of all namespaces together stay within pool-max-pods; the
    /// pools are sized round-robin under it, and a namespace whose last Function goes gives its share to the others.
    /// </summary>
    [Fact]
    public async Task Reconcile_PoolMaxPods_IdlePodsOfAllNamespacesWithinTheCap()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var client = api.CreateClient("controller");
        var options = new KubernetesPoolOptions { Sizes = new Dictionary<string, int> { [Runtime] = 2 }, MaxPods = 4 };
        var pools = new PoolReconciler(client, options, new KubernetesWorkloadOptions(), TimeProvider.System, NullLogger<PoolReconciler>.Instance);
        Function In(string ns)
        {
            var function = Function("hello", Runtime);
            function.Metadata.NamespaceProperty = ns;
            return function;
        }

        async Task<Dictionary<string, int>> IdleByNamespaceAsync() =>
            (await client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: PoolLabels.AnyPoolSelector)).Items
                .Where(p => p.Metadata.DeletionTimestamp is null)
                .GroupBy(p => p.Metadata.NamespaceProperty).ToDictionary(g => g.Key, g => g.Count());

        await pools.ReconcileAsync([In("ns-c"), In("ns-a"), In("ns-b")], CancellationToken.None);

        await KubeUntil(async () => (await IdleByNamespaceAsync()) is { Count: 3 } idle && idle["ns-a"] == 2 && idle["ns-b"] == 1 && idle["ns-c"] == 1, "pools of 2, 1 and 1 idle pods (4 in all)");
        var replicas = (await client.AppsV1.ListDeploymentForAllNamespacesAsync(labelSelector: PoolLabels.AnyPoolSelector)).Items.Sum(d => d.Spec.Replicas ?? 0);
        Assert.Equal(4, replicas);

        // ns-a's Function goes: its pool with it, and its share to the others.
        await pools.ReconcileAsync([In("ns-c"), In("ns-b")], CancellationToken.None);
        await KubeUntil(async () => (await IdleByNamespaceAsync()) is { Count: 2 } idle && idle["ns-b"] == 2 && idle["ns-c"] == 2, "pools of 2 and 2 once ns-a's is gone");
    }

    [Fact]
    public void RetireReason_Table()
    {
        var now = new DateTimeOffset(2026, 12, 7, 2, 0, 0, TimeSpan.Zero);
        var grace = TimeSpan.FromMinutes(2);
        var function = Function("hello", Runtime);
        var revision = WorkloadSpecBuilder.Build(function).Revision;
        V1Pod Pod(string? podRevision, TimeSpan claimedAgo)
        {
            var labels = new Dictionary<string, string> { [PoolLabels.ClaimedFor] = "hello" };
            if (podRevision is not null)
            {
                labels[WorkloadLabels.Revision] = podRevision;
            }

            return new V1Pod
            {
                Metadata = new V1ObjectMeta
                {
                    Name = "p",
                    Labels = labels,
                    Annotations = new Dictionary<string, string> { [PoolLabels.ClaimedAtAnnotation] = (now - claimedAgo).ToString("O") },
                },
            };
        }

        V1Deployment Deployment(int replicas, int ready) => new() { Spec = new V1DeploymentSpec { Replicas = replicas }, Status = new V1DeploymentStatus { ReadyReplicas = ready } };
        var cases = new (string Name, V1Pod Pod, Function? Function, V1Deployment? Deployment, string? Expected)[]
        {
            ("function gone", Pod(revision, TimeSpan.Zero), null, null, "its Function is gone"),
            ("claimed, not specialized yet", Pod(null, TimeSpan.FromSeconds(5)), function, Deployment(0, 0), null),
            ("claimed long ago, never specialized", Pod(null, grace), function, Deployment(0, 0), "claimed but never specialized"),
            ("new revision", Pod("0000000000000000", TimeSpan.Zero), function, Deployment(1, 0), "its Function has a new revision"),
            ("at zero, just claimed", Pod(revision, TimeSpan.FromSeconds(5)), function, Deployment(0, 0), null),
            ("at zero, claimed long ago", Pod(revision, grace), function, Deployment(0, 0), "the function is at zero"),
            ("own pods starting", Pod(revision, TimeSpan.FromSeconds(5)), function, Deployment(2, 1), null),
            ("own pods ready", Pod(revision, TimeSpan.FromSeconds(5)), function, Deployment(2, 2), "the function's own pods are ready"),
            ("no Deployment, just claimed", Pod(revision, TimeSpan.FromSeconds(5)), function, null, null),
        };
        foreach (var (name, pod, fn, deployment, expected) in cases)
        {
            Assert.True(expected == PoolReconciler.RetireReason(pod, fn, deployment, now, grace), name);
        }
    }

    [Fact]
    public async Task ActivatorStart_OkAndLoadFailure_HistogramAnd500()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var client = api.CreateClient("activator");
        var good = await CreateFunctionAsync(api, "hello", "main:handle");
        var broken = await CreateFunctionAsync(api, "broken", "main:nope");
        await Reconciler(client, size: 2).ReconcileAsync([good, broken], CancellationToken.None);
        await WaitIdleAsync(client, 2);
        await using var byPod = new PoolPodProcesses(pod => GenericRuntimeAsync(pod));
        (RuntimeInstance Runtime, string Dir) For(V1Pod pod) => byPod.For(pod);
        var specializer = new PoolSpecializer(client, new HttpClient(), Options(2), TimeProvider.System, NullLogger<PoolSpecializer>.Instance)
        {
            AdminAddress = pod => new Uri($"http://127.0.0.1:{For(pod).Runtime.PlatformPort}/"),
            FunctionPathFor = pod => For(pod).Dir,
        };
        using var stop = new CancellationTokenSource();
        var functions = new Serverless.Hosting.Informers.ResourceInformer<Function>(
            Controller.KubeTestStores.Functions(client), null, TimeProvider.System, NullLogger.Instance);
        var informer = functions.RunAsync(stop.Token);
        await functions.WaitForSyncAsync(CancellationToken.None).WaitAsync(Bound);
        var durations = Serverless.Platform.Kubernetes.KubernetesPoolColdStart.Durations(Prometheus.Metrics.NewCustomRegistry());
        var start = Serverless.Platform.Kubernetes.KubernetesPoolColdStart.Start(functions, specializer, durations, CancellationToken.None);

        var ok = await start(new Core.Contracts.FunctionKey(Ns, "hello"), new Core.Contracts.FunctionKey(Ns, "hello"));
        var failed = await start(new Core.Contracts.FunctionKey(Ns, "broken"), new Core.Contracts.FunctionKey(Ns, "broken"));
        var unknown = await start(new Core.Contracts.FunctionKey(Ns, "nobody"), new Core.Contracts.FunctionKey(Ns, "nobody"));
        await stop.CancelAsync();
        await informer;

        Assert.Null(ok);
        Assert.Null(unknown);
        Assert.NotNull(failed);
        Assert.Equal((500, "The function cannot be loaded"), (failed.Status, failed.Title));
        Assert.StartsWith("Function team-a/broken: the function cannot be loaded: ", failed.Detail, StringComparison.Ordinal);
        Assert.Equal((1, 1), (durations.WithLabels("python", "ok").Count, durations.WithLabels("python", "failed").Count));
    }

    [Fact]
    public async Task ColdStart_Node_SpecializesFromTheArtifact()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var client = api.CreateClient("controller");
        var function = await CreateFunctionAsync(api, "greet", "lib/index.js:handle", RuntimeNames.Node);
        await Reconciler(client, 1, RuntimeNames.Node).ReconcileAsync([function], CancellationToken.None);
        var idle = Assert.Single(await WaitIdleAsync(client, 1, RuntimeNames.Node));
        using var dir = new TempDirectory("pool-fn");
        await using var runtime = await GenericRuntimeAsync(idle, RuntimeNames.Node);

        var result = await Specializer(client, dir.Path, _ => runtime, RuntimeNames.Node).SpecializeAsync(function, CancellationToken.None);

        Assert.Equal(PoolOutcome.Specialized, result.Outcome);
        Assert.Equal("hello from greet: node", await runtime.Client.GetStringAsync("/?name=node"));
        Assert.Equal("greet", (await client.CoreV1.ReadNamespacedPodAsync(idle.Metadata.Name, Ns)).Metadata.Labels[WorkloadLabels.Function]);
    }

    /// <summary>Issue #21 item 1: C# pools on Kubernetes, a real C# runtime in generic mode standing in for the pod.</summary>
    [Fact]
    public async Task ColdStart_Dotnet_SpecializesFromTheArtifact()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var client = api.CreateClient("controller");
        var function = await CreateFunctionAsync(api, "sharp", DotnetHandler, RuntimeNames.Dotnet);
        await Reconciler(client, 1, RuntimeNames.Dotnet).ReconcileAsync([function], CancellationToken.None);
        var idle = Assert.Single(await WaitIdleAsync(client, 1, RuntimeNames.Dotnet));
        using var dir = new TempDirectory("pool-fn");
        await using var runtime = await GenericRuntimeAsync(idle, RuntimeNames.Dotnet);

        var result = await Specializer(client, dir.Path, _ => runtime, RuntimeNames.Dotnet).SpecializeAsync(function, CancellationToken.None);

        Assert.Equal(PoolOutcome.Specialized, result.Outcome);
        Assert.Equal("sharp", await runtime.Client.GetStringAsync("/?key=K_SERVICE"));
        Assert.Equal("(unset)", await runtime.Client.GetStringAsync("/?key=SPECIALIZE_KEY"));
        Assert.True(File.Exists(Path.Combine(dir.Path, "DotnetTest.dll")));
        Assert.Equal("sharp", (await client.CoreV1.ReadNamespacedPodAsync(idle.Metadata.Name, Ns)).Metadata.Labels[WorkloadLabels.Function]);
    }

    [Fact]
    public async Task ColdStart_TwoFunctionsAtOnce_NeverShareAPod()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var client = api.CreateClient("controller");
        var a = await CreateFunctionAsync(api, "alpha", "main:handle");
        var b = await CreateFunctionAsync(api, "beta", "main:handle");
        await Reconciler(client, size: 2).ReconcileAsync([a, b], CancellationToken.None);
        await WaitIdleAsync(client, 2);
        // Each pod has a process of its own, started with that pod's uid, as each pod has its own container.
        await using var byPod = new PoolPodProcesses(pod => GenericRuntimeAsync(pod));
        (RuntimeInstance Runtime, string Dir) For(V1Pod pod) => byPod.For(pod);

        // Two activators' specializations at once (one specializer each); each process unpacks into its own /function.
        var results = await Task.WhenAll(
            SpecializeWithDirAsync(client, a, p => For(p)),
            SpecializeWithDirAsync(client, b, p => For(p)));

        Assert.All(results, r => Assert.Equal(PoolOutcome.Specialized, r.Outcome));
        Assert.NotEqual(results[0].Pod, results[1].Pod);
        var podA = await client.CoreV1.ReadNamespacedPodAsync(results[0].Pod, Ns);
        var podB = await client.CoreV1.ReadNamespacedPodAsync(results[1].Pod, Ns);
        Assert.Equal("alpha", podA.Metadata.Labels[WorkloadLabels.Function]);
        Assert.Equal("beta", podB.Metadata.Labels[WorkloadLabels.Function]);
        var answers = new[] { await byPod[results[0].Pod!].Runtime.Client.GetStringAsync("/?name=x"), await byPod[results[1].Pod!].Runtime.Client.GetStringAsync("/?name=x") };
        Assert.Equal(["hello from alpha: x", "hello from beta: x"], answers);
    }

    [Fact]
    public async Task ColdStart_FunctionCannotLoad_FailsClearlyAndDeletesThePod()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var client = api.CreateClient("controller");
        var function = await CreateFunctionAsync(api, "broken", "main:nope");
        await Reconciler(client, size: 1).ReconcileAsync([function], CancellationToken.None);
        var idle = Assert.Single(await WaitIdleAsync(client, 1));
        using var dir = new TempDirectory("pool-fn");
        await using var runtime = await GenericRuntimeAsync(idle);

        var result = await Specializer(client, dir.Path, _ => runtime).SpecializeAsync(function, CancellationToken.None);

        Assert.Equal(PoolOutcome.FunctionFailed, result.Outcome);
        Assert.True(result.FunctionFailed);
        Assert.StartsWith("the function cannot be loaded: ", result.Detail, StringComparison.Ordinal);
        Assert.Contains("nope", result.Detail, StringComparison.Ordinal);
        Assert.Empty((await client.CoreV1.ListNamespacedPodAsync(Ns, fieldSelector: "metadata.name=" + idle.Metadata.Name)).Items);
        var refill = Assert.Single(await WaitIdleAsync(client, 1));
        Assert.NotEqual(idle.Metadata.Name, refill.Metadata.Name);
    }

    [Fact]
    public async Task ColdStart_PodWithAnotherKey_401PodFailedAndDeleted()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var client = api.CreateClient("controller");
        var function = await CreateFunctionAsync(api, "hello", "main:handle");
        await Reconciler(client, size: 1).ReconcileAsync([function], CancellationToken.None);
        var idle = Assert.Single(await WaitIdleAsync(client, 1));
        using var dir = new TempDirectory("pool-fn");
        using var otherKey = PoolSigningKey.Create();
        await using var runtime = await GenericRuntimeAsync(idle, key: otherKey.PublicJwk);

        var result = await Specializer(client, dir.Path, _ => runtime).SpecializeAsync(function, CancellationToken.None);

        Assert.Equal(PoolOutcome.PodFailed, result.Outcome);
        Assert.Contains("answered the specialization 401", result.Detail, StringComparison.Ordinal);
        Assert.Empty((await client.CoreV1.ListNamespacedPodAsync(Ns, fieldSelector: "metadata.name=" + idle.Metadata.Name)).Items);
    }

    [Fact]
    public async Task ColdStart_NotEligibleOrNoIdlePod_TakesTheUsualWay()
    {
        await using var api = await KubeApiDouble.StartAsync();
        var client = api.CreateClient("controller");
        var optedOut = Function("out", Runtime);
        optedOut.Metadata.Annotations = new Dictionary<string, string> { [WorkloadSpecBuilder.PoolAnnotation] = "false" };
        var specializer = new PoolSpecializer(client, new HttpClient(), Options(1), TimeProvider.System, NullLogger<PoolSpecializer>.Instance);

        Assert.Equal(PoolOutcome.NotEligible, (await specializer.SpecializeAsync(optedOut, CancellationToken.None)).Outcome);
        Assert.Equal(PoolOutcome.NotEligible, (await specializer.SpecializeAsync(Function("n", RuntimeNames.Node), CancellationToken.None)).Outcome);

        // A variable the runtime reads only at start: a pool pod, started before, would carry it without its effect.
        var seeded = Function("seeded", Runtime);
        seeded.Spec.Env = [new EnvVar { Name = "GREETING", Value = "hi" }, new EnvVar { Name = "PYTHONHASHSEED", Value = "0" }];
        var declined = await specializer.SpecializeAsync(seeded, CancellationToken.None);
        Assert.Equal(PoolOutcome.NotEligible, declined.Outcome);
        Assert.Contains("env PYTHONHASHSEED is read by the python runtime only when its process starts", declined.Detail, StringComparison.Ordinal);
        var noPool = await CreateFunctionAsync(api, "hello", "main:handle");
        Assert.Equal(PoolOutcome.NoIdlePod, (await specializer.SpecializeAsync(noPool, CancellationToken.None)).Outcome);
    }

    /// <summary>
    /// Issue #21 item 1's per-pod secret: a hostile function, specialized into one pool pod, collects everything its
    /// view holds (its environment, the process's initial environment in /proc/self/environ, the files of its
    /// directory) and tries each as a token and as a signature on a sibling idle pool pod's <c>/specialize</c>, with a
    /// body that would load its own code there; so does a replay of the platform's signature for its own pod. Every try
    /// is refused 401: the sibling stays generic, stays in the pool (its labels untouched), and the platform then
    /// specializes it as usual. Before, one token per pool sat in every pool pod's environment: a specialized function
    /// could specialize a sibling with its own code, which, in the same process as the runtime, could then answer the
    /// platform's later specialization 200 itself and receive the next function's env and traffic.
    /// </summary>
    [Fact]
    public async Task Specialized_HostileFunctionTriesItsWholeView_SiblingRefuses401AndStaysInThePool()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var client = api.CreateClient("controller");
        const string Spy = """
            import base64, json, os

            def handle(request):
                seen = set(os.environ.values())
                with open('/proc/self/environ', 'rb') as f:
                    for entry in f.read().split(b'\0'):
                        if b'=' in entry:
                            seen.add(entry.split(b'=', 1)[1].decode('utf-8', 'replace'))
                for root, _, names in os.walk(os.environ['FUNCTION_PATH']):
                    for name in names:
                        with open(os.path.join(root, name), 'rb') as f:
                            data = f.read()
                        seen.update(data.decode('utf-8', 'replace').split())
                        seen.add(base64.b64encode(data).decode('ascii'))
                return json.dumps({'seen': sorted(v for v in seen if v.strip()), 'env': sorted(os.environ)})
            """;
        var spy = await CreateFunctionAsync(api, "spy", "main:handle", python: Spy);
        await Reconciler(client, size: 2).ReconcileAsync([spy], CancellationToken.None);
        var idle = (await WaitIdleAsync(client, 2)).OrderBy(p => p.Metadata.CreationTimestamp).ToList();
        using var dirA = new TempDirectory("pool-a");
        using var dirB = new TempDirectory("pool-b");
        await using var runtimeA = await GenericRuntimeAsync(idle[0]);
        await using var runtimeB = await GenericRuntimeAsync(idle[1]);
        var byPod = new Dictionary<string, (RuntimeInstance Runtime, string Dir)> { [idle[0].Metadata.Name] = (runtimeA, dirA.Path), [idle[1].Metadata.Name] = (runtimeB, dirB.Path) };
        var specialized = await SpecializeWithDirAsync(client, spy, p => byPod[p.Metadata.Name]);
        Assert.Equal(PoolOutcome.Specialized, specialized.Outcome);
        var (spyRuntime, siblingPod) = specialized.Pod == idle[0].Metadata.Name ? (runtimeA, idle[1]) : (runtimeB, idle[0]);
        var sibling = byPod[siblingPod.Metadata.Name];

        var view = JsonNode.Parse(await spyRuntime.Client.GetStringAsync("/"))!;
        var seen = view["seen"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
        var env = view["env"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
        Assert.DoesNotContain(env, name => name.StartsWith("SPECIALIZE_", StringComparison.Ordinal) || name == "FUNCTION_GENERIC");
        // What the spy does see (so the tries below are not empty): the public key and its own pod's uid.
        Assert.Contains(PoolDeploymentBuilder.KeyOf(siblingPod.Spec)!, seen);
        Assert.Contains(byPod.Keys.Select(n => idle.Single(p => p.Metadata.Name == n).Metadata.Uid).First(uid => uid != siblingPod.Metadata.Uid), seen);

        // A body that would load the spy's own code into the sibling.
        var (artifactFile, artifactSource) = ("main.py", "def handle(request):\n    return 'code of the body'\n");
        var body = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["functionPath"] = sibling.Dir,
            ["handler"] = "main:handle",
            ["env"] = new JsonObject { ["K_SERVICE"] = "spy" },
            ["artifact"] = Convert.ToBase64String(Artifact(artifactFile, artifactSource)),
        }.ToJsonString());
        var secret = await client.CoreV1.ReadNamespacedSecretAsync(PoolKeyStore.SecretName, "serverless-system");
        using var platformKey = PoolSigningKey.FromPem(Encoding.UTF8.GetString(secret.Data[PoolKeyStore.DataKey]));
        using var attackerKey = PoolSigningKey.Create();
        var spyPodUid = idle.Single(p => p.Metadata.Name == specialized.Pod).Metadata.Uid;
        var tries = seen.SelectMany(v => new[] { "Bearer " + v, "Signature " + v })
            .Append("Signature " + platformKey.Authorization(spyPodUid, body))
            .Append("Signature " + attackerKey.Authorization(siblingPod.Metadata.Uid, body))
            .ToList();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{sibling.Runtime.PlatformPort}/"), Timeout = Bound };
        foreach (var authorization in tries.Take(2000))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "specialize") { Content = new ByteArrayContent(body) };
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var response = await http.SendAsync(request);
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.Unauthorized, $"{authorization[..Math.Min(40, authorization.Length)]}… answered {(int)response.StatusCode}");
        }

        output.WriteLine($"{tries.Count} tries from {seen.Count} values in the spy's view: all 401");
        using (var readyz = await sibling.Runtime.Platform.GetAsync("/readyz"))
        {
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, readyz.StatusCode);
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(sibling.Dir));
        var stillIdle = await client.CoreV1.ReadNamespacedPodAsync(siblingPod.Metadata.Name, Ns);
        Assert.Equal(Runtime, stillIdle.Metadata.Labels[PoolLabels.Pool]);
        Assert.False(stillIdle.Metadata.Labels.ContainsKey(PoolLabels.ClaimedFor));

        // The platform's own signature for the sibling still specializes it (with the bytes it signed).
        using (var request = new HttpRequestMessage(HttpMethod.Post, "specialize") { Content = new ByteArrayContent(body) })
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Signature " + platformKey.Authorization(siblingPod.Metadata.Uid, body));
            using var response = await http.SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal("code of the body", await sibling.Runtime.Client.GetStringAsync("/"));
    }

    private static async Task<PoolSpecialization> SpecializeWithDirAsync(IKubernetes client, Function function, Func<V1Pod, (RuntimeInstance Runtime, string Dir)> map)
    {
        var specializer = new PoolSpecializer(client, new HttpClient(), Options(2), TimeProvider.System, NullLogger<PoolSpecializer>.Instance)
        {
            AdminAddress = pod => new Uri($"http://127.0.0.1:{map(pod).Runtime.PlatformPort}/"),
            FunctionPathFor = pod => map(pod).Dir,
        };
        return await specializer.SpecializeAsync(function, CancellationToken.None);
    }

    private static KubernetesPoolOptions Options(int size, string runtime = Runtime) => new() { Sizes = new Dictionary<string, int> { [runtime] = size } };

    private static PoolReconciler Reconciler(IKubernetes client, int size, string runtime = Runtime) =>
        new(client, Options(size, runtime), new KubernetesWorkloadOptions(), TimeProvider.System, NullLogger<PoolReconciler>.Instance);

    private static PoolSpecializer Specializer(IKubernetes client, string dir, Func<V1Pod, RuntimeInstance> map, string runtime = Runtime) =>
        new(client, new HttpClient(), Options(1, runtime), TimeProvider.System, NullLogger<PoolSpecializer>.Instance)
        {
            AdminAddress = pod => new Uri($"http://127.0.0.1:{map(pod).PlatformPort}/"),
            FunctionPathFor = _ => dir,
        };

    /// <summary>The process of <paramref name="pod"/>: what its container would get (its template's key, its own uid), unless a test says otherwise.</summary>
    private static async Task<RuntimeInstance> GenericRuntimeAsync(V1Pod pod, string runtimeName = Runtime, string? key = null)
    {
        (string, string)[] env =
        [
            ("FUNCTION_GENERIC", "1"),
            (PoolDeploymentBuilder.KeyVariable, key ?? PoolDeploymentBuilder.KeyOf(pod.Spec)!),
            (PoolDeploymentBuilder.PodUidVariable, pod.Metadata.Uid),
        ];
        var runtime = runtimeName switch
        {
            RuntimeNames.Node => RuntimeInstance.Start("node", Path.Combine(RepoPaths.Root, "runtimes", "node", "index.js"), "", "", env),
            RuntimeNames.Dotnet => RuntimeInstance.Start(ChildEnvironment.DotnetHost, RepoPaths.Built("runtimes", "dotnet", "Serverless.Runtime.Dotnet.dll"), "", "", env),
            _ => RuntimeInstance.Start("python3", Path.Combine(RepoPaths.Root, "runtimes", "python", "runtime.py"), "", "", env),
        };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await runtime.Platform.GetAsync("/healthz")).IsSuccessStatusCode)
                {
                    return runtime;
                }
            }
            catch (HttpRequestException) when (deadline.Elapsed < Bound && !runtime.HasExited)
            {
            }

            Assert.True(deadline.Elapsed < Bound && !runtime.HasExited, "generic runtime listening: " + runtime.StandardError);
            await Task.Delay(20);
        }
    }

    private static Function Function(string name, string runtime) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns, Uid = Guid.NewGuid().ToString() },
        Spec = new FunctionSpec { Runtime = runtime, Handler = "main:handle", Source = new FunctionSource { ConfigMap = name + "-artifact" } },
    };

    /// <summary>The Function as a user creates it, and its artifact ConfigMap (a python function in a .tar.gz, as func deploy packs it).</summary>
    private static async Task<Function> CreateFunctionAsync(KubeApiDouble api, string name, string handler, string runtime = Runtime, string? python = null)
    {
        var user = api.CreateClient("user");
        var (file, source) = runtime == RuntimeNames.Node
            ? ("lib/index.js", $"exports.handle = (request) => 'hello from {name}: ' + request.query.name;\n")
            : ("main.py", python ?? $"def handle(request):\n    return 'hello from {name}: ' + request.query['name'][0]\n");
        await user.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap
            {
                Metadata = new V1ObjectMeta { Name = name + "-artifact", NamespaceProperty = Ns },
                BinaryData = new Dictionary<string, byte[]> { [DeploymentBuilder.ArtifactKey] = runtime == RuntimeNames.Dotnet ? DotnetArtifact() : Artifact(file, source) },
            },
            Ns);
        var function = Function(name, runtime);
        function.Metadata.Uid = null;
        function.Spec.Handler = handler;
        var created = await user.CustomObjects.CreateNamespacedCustomObjectAsync(
            JsonNode.Parse(ResourceJson.Serialize(function)), ApiGroup.Group, ApiGroup.Version, Ns, Core.Api.Function.Plural);
        return ResourceJson.Deserialize<Function>(ResourceJson.Serialize(created));
    }

    /// <summary>A built C# function as func deploy packs it: the build output (tests/testassets/functions/dotnet-test) in a .tar.gz.</summary>
    private static byte[] DotnetArtifact()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            TarFile.CreateFromDirectory(RepoPaths.Built("testassets", "functions", "dotnet-test"), gzip, includeBaseDirectory: false);
        }

        return buffer.ToArray();
    }

    private static byte[] Artifact(string file, string content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            if (file.Contains('/', StringComparison.Ordinal))
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, file[..file.IndexOf('/', StringComparison.Ordinal)]));
            }

            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, file) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
        }

        return buffer.ToArray();
    }

    /// <summary>The function's own Deployment (at zero, as after scale-to-zero) and Service, as the controller makes them.</summary>
    private static async Task CreateFunctionWorkloadAsync(IKubernetes client, Function function)
    {
        var spec = WorkloadSpecBuilder.Build(function);
        await client.AppsV1.CreateNamespacedDeploymentAsync(DeploymentBuilder.Build(function, spec, new KubernetesWorkloadOptions(), replicas: 0), Ns);
        await client.CoreV1.CreateNamespacedServiceAsync(ServiceBuilder.Build(function, spec.Key), Ns);
    }

    /// <summary>
    /// The Revision the controller would cut for <paramref name="function"/>'s spec, and its Deployment (at zero) and
    /// Service, named after it and owned by it, as the controller makes every revision's workload.
    /// </summary>
    private static async Task<Core.Api.Revision> CreateRevisionWorkloadAsync(IKubernetes client, Function function, string name)
    {
        var spec = WorkloadSpecBuilder.Build(function) with { Key = new Core.Contracts.FunctionKey(Ns, name), Function = function.Metadata.Name, RevisionName = name };
        var revision = new Core.Api.Revision
        {
            ApiVersion = ApiGroup.ApiVersion,
            Kind = Core.Api.Revision.KindName,
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns },
            Spec = new Core.Api.RevisionSpec
            {
                Function = function.Metadata.Name,
                ContentHash = spec.Revision,
                Runtime = function.Spec.Runtime,
                Handler = function.Spec.Handler,
                Source = function.Spec.Source,
            },
        };
        var created = await client.CustomObjects.CreateNamespacedCustomObjectAsync(
            JsonNode.Parse(ResourceJson.Serialize(revision)), ApiGroup.Group, ApiGroup.Version, Ns, Core.Api.Revision.Plural);
        revision = ResourceJson.Deserialize<Core.Api.Revision>(ResourceJson.Serialize(created));
        await client.AppsV1.CreateNamespacedDeploymentAsync(DeploymentBuilder.Build(function, spec, new KubernetesWorkloadOptions(), replicas: 0, revision), Ns);
        await client.CoreV1.CreateNamespacedServiceAsync(ServiceBuilder.Build(function, spec.Key, revision), Ns);
        return revision;
    }

    private static async Task<IList<V1Pod>> IdlePodsAsync(IKubernetes client, string runtime = Runtime) =>
        (await client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: PoolLabels.IdleSelector(runtime))).Items;

    private static async Task<IList<V1Pod>> WaitIdleAsync(IKubernetes client, int count, string runtime = Runtime)
    {
        IList<V1Pod> pods = [];
        await KubeUntil(async () => (pods = await IdlePodsAsync(client, runtime)).Count == count, $"{count} idle {runtime} pool pods");
        return pods;
    }

    private static async Task<List<string>> EndpointPodsAsync(IKubernetes client, string function) =>
        (await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(Ns, labelSelector: WorkloadLabels.ServiceName + "=" + function)).Items
            .SelectMany(s => s.Endpoints ?? []).Select(e => e.TargetRef?.Name ?? "").ToList();

    private static async Task KubeUntil(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < Bound, $"not within {Bound}: {what}");
            await Task.Delay(20);
        }
    }
}
