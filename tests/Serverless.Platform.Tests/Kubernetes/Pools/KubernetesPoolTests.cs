using System.Collections.Concurrent;
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
        Assert.Equal(64, PoolDeploymentBuilder.TokenOf(deployment)!.Length);
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

        // A resize is applied, the token kept.
        var token = PoolDeploymentBuilder.TokenOf(deployment);
        await Reconciler(client, size: 3).ReconcileAsync([function], CancellationToken.None);
        deployment = await client.AppsV1.ReadNamespacedDeploymentAsync(PoolLabels.DeploymentName(Runtime), Ns);
        Assert.Equal(3, deployment.Spec.Replicas);
        Assert.Equal(token, PoolDeploymentBuilder.TokenOf(deployment));

        await pools.ReconcileAsync([], CancellationToken.None);
        Assert.Empty((await client.AppsV1.ListNamespacedDeploymentAsync(Ns, labelSelector: PoolLabels.AnyPoolSelector)).Items);
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
        await using var runtime = await GenericRuntimeAsync(PoolDeploymentBuilder.TokenOf(idle.Spec)!);
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
        await using var runtime = await GenericRuntimeAsync(PoolDeploymentBuilder.TokenOf(idle.Spec)!);
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

    /// <summary>
    /// The specialization path, 10 cold starts in a row, each on a fresh pool pod and a fresh generic runtime: the
    /// specializer's whole call (list, claim patch, artifact read, <c>POST /specialize</c>, label patch) and the first
    /// response after it. What a cluster adds (the EndpointSlice controller and the activator's watch noticing the
    /// relabelled pod; pod-network round trips) is not in it: the double answers on loopback.
    /// </summary>
    [Fact]
    public async Task Measure_SpecializationPath_TenColdStarts()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var client = api.CreateClient("controller");
        var function = await CreateFunctionAsync(api, "hello", "main:handle");
        await Reconciler(client, size: 1).ReconcileAsync([function], CancellationToken.None);
        var specialize = new List<double>();
        var firstByte = new List<double>();
        for (var run = 0; run < 10; run++)
        {
            var idle = Assert.Single(await WaitIdleAsync(client, 1));
            using var dir = new TempDirectory("pool-fn");
            await using var runtime = await GenericRuntimeAsync(PoolDeploymentBuilder.TokenOf(idle.Spec)!);
            var specializer = Specializer(client, dir.Path, _ => runtime);

            var clock = Stopwatch.StartNew();
            var result = await specializer.SpecializeAsync(function, CancellationToken.None);
            specialize.Add(clock.Elapsed.TotalMilliseconds);
            using var response = await runtime.Client.GetAsync("/?name=m");
            firstByte.Add(clock.Elapsed.TotalMilliseconds);

            Assert.Equal(PoolOutcome.Specialized, result.Outcome);
            Assert.Equal("hello from hello: m", await response.Content.ReadAsStringAsync());
            await client.CoreV1.DeleteNamespacedPodAsync(idle.Metadata.Name, Ns);
        }

        static string Summary(List<double> values)
        {
            var sorted = values.Order().ToList();
            return $"p50 {sorted[sorted.Count / 2]:F1} ms, p90 {sorted[(int)(sorted.Count * 0.9) - 1]:F1} ms, max {sorted[^1]:F1} ms";
        }

        output.WriteLine($"specializer (list, claim, artifact, /specialize, labels): {Summary(specialize)}");
        output.WriteLine($"+ first response: {Summary(firstByte)}");
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
        var idle = await WaitIdleAsync(client, 2);
        var token = PoolDeploymentBuilder.TokenOf(idle[0].Spec)!;
        using var dirA = new TempDirectory("pool-a");
        using var dirB = new TempDirectory("pool-b");
        await using var runtimeA = await GenericRuntimeAsync(token);
        await using var runtimeB = await GenericRuntimeAsync(token);
        var free = new ConcurrentQueue<(RuntimeInstance Runtime, string Dir)>([(runtimeA, dirA.Path), (runtimeB, dirB.Path)]);
        var byPod = new ConcurrentDictionary<string, (RuntimeInstance Runtime, string Dir)>();
        (RuntimeInstance Runtime, string Dir) For(V1Pod pod) => byPod.GetOrAdd(pod.Metadata.Name, _ => free.TryDequeue(out var next) ? next : throw new InvalidOperationException("a third pod was contacted"));
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

        var ok = await start(new Core.Contracts.FunctionKey(Ns, "hello"));
        var failed = await start(new Core.Contracts.FunctionKey(Ns, "broken"));
        var unknown = await start(new Core.Contracts.FunctionKey(Ns, "nobody"));
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
        var options = new KubernetesPoolOptions { Sizes = new Dictionary<string, int> { [RuntimeNames.Node] = 1 } };
        await new PoolReconciler(client, options, new KubernetesWorkloadOptions(), TimeProvider.System, NullLogger<PoolReconciler>.Instance).ReconcileAsync([function], CancellationToken.None);
        V1Pod? idle = null;
        await KubeUntil(
            async () => (idle = (await client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: PoolLabels.IdleSelector(RuntimeNames.Node))).Items.SingleOrDefault()) is not null,
            "an idle node pool pod");
        using var dir = new TempDirectory("pool-fn");
        await using var runtime = await GenericRuntimeAsync(PoolDeploymentBuilder.TokenOf(idle!.Spec)!, RuntimeNames.Node);
        var specializer = new PoolSpecializer(client, new HttpClient(), options, TimeProvider.System, NullLogger<PoolSpecializer>.Instance)
        {
            AdminAddress = _ => new Uri($"http://127.0.0.1:{runtime.PlatformPort}/"),
            FunctionPathFor = _ => dir.Path,
        };

        var result = await specializer.SpecializeAsync(function, CancellationToken.None);

        Assert.Equal(PoolOutcome.Specialized, result.Outcome);
        Assert.Equal("hello from greet: node", await runtime.Client.GetStringAsync("/?name=node"));
        Assert.Equal("greet", (await client.CoreV1.ReadNamespacedPodAsync(idle.Metadata.Name, Ns)).Metadata.Labels[WorkloadLabels.Function]);
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
        var idle = await WaitIdleAsync(client, 2);
        var token = PoolDeploymentBuilder.TokenOf(idle[0].Spec)!;
        using var dirA = new TempDirectory("pool-a");
        using var dirB = new TempDirectory("pool-b");
        await using var runtimeA = await GenericRuntimeAsync(token);
        await using var runtimeB = await GenericRuntimeAsync(token);

        // Each pod gets a process of its own on first contact, as each pod has its own container.
        var free = new ConcurrentQueue<(RuntimeInstance Runtime, string Dir)>([(runtimeA, dirA.Path), (runtimeB, dirB.Path)]);
        var byPod = new ConcurrentDictionary<string, (RuntimeInstance Runtime, string Dir)>();
        (RuntimeInstance Runtime, string Dir) For(V1Pod pod) => byPod.GetOrAdd(pod.Metadata.Name, _ => free.TryDequeue(out var next) ? next : throw new InvalidOperationException("a third pod was contacted"));

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
        await using var runtime = await GenericRuntimeAsync(PoolDeploymentBuilder.TokenOf(idle.Spec)!);

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
    public async Task ColdStart_WrongToken_PodFailedAndDeleted()
    {
        await using var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();
        var client = api.CreateClient("controller");
        var function = await CreateFunctionAsync(api, "hello", "main:handle");
        await Reconciler(client, size: 1).ReconcileAsync([function], CancellationToken.None);
        var idle = Assert.Single(await WaitIdleAsync(client, 1));
        using var dir = new TempDirectory("pool-fn");
        await using var runtime = await GenericRuntimeAsync("another-pools-token");

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
        var noPool = await CreateFunctionAsync(api, "hello", "main:handle");
        Assert.Equal(PoolOutcome.NoIdlePod, (await specializer.SpecializeAsync(noPool, CancellationToken.None)).Outcome);
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

    private static KubernetesPoolOptions Options(int size) => new() { Sizes = new Dictionary<string, int> { [Runtime] = size } };

    private static PoolReconciler Reconciler(IKubernetes client, int size) =>
        new(client, Options(size), new KubernetesWorkloadOptions(), TimeProvider.System, NullLogger<PoolReconciler>.Instance);

    private static PoolSpecializer Specializer(IKubernetes client, string dir, Func<V1Pod, RuntimeInstance> map) =>
        new(client, new HttpClient(), Options(1), TimeProvider.System, NullLogger<PoolSpecializer>.Instance)
        {
            AdminAddress = pod => new Uri($"http://127.0.0.1:{map(pod).PlatformPort}/"),
            FunctionPathFor = _ => dir,
        };

    private static async Task<RuntimeInstance> GenericRuntimeAsync(string token, string runtimeName = Runtime)
    {
        var runtime = runtimeName == RuntimeNames.Node
            ? RuntimeInstance.Start("node", Path.Combine(RepoPaths.Root, "runtimes", "node", "index.js"), "", "", [("FUNCTION_GENERIC", "1"), ("SPECIALIZE_TOKEN", token)])
            : RuntimeInstance.Start("python3", Path.Combine(RepoPaths.Root, "runtimes", "python", "runtime.py"), "", "", [("FUNCTION_GENERIC", "1"), ("SPECIALIZE_TOKEN", token)]);
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
    private static async Task<Function> CreateFunctionAsync(KubeApiDouble api, string name, string handler, string runtime = Runtime)
    {
        var user = api.CreateClient("user");
        var (file, source) = runtime == RuntimeNames.Node
            ? ("lib/index.js", $"exports.handle = (request) => 'hello from {name}: ' + request.query.name;\n")
            : ("main.py", $"def handle(request):\n    return 'hello from {name}: ' + request.query['name'][0]\n");
        await user.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap
            {
                Metadata = new V1ObjectMeta { Name = name + "-artifact", NamespaceProperty = Ns },
                BinaryData = new Dictionary<string, byte[]> { [DeploymentBuilder.ArtifactKey] = Artifact(file, source) },
            },
            Ns);
        var function = Function(name, runtime);
        function.Metadata.Uid = null;
        function.Spec.Handler = handler;
        var created = await user.CustomObjects.CreateNamespacedCustomObjectAsync(
            JsonNode.Parse(ResourceJson.Serialize(function)), ApiGroup.Group, ApiGroup.Version, Ns, Core.Api.Function.Plural);
        return ResourceJson.Deserialize<Function>(ResourceJson.Serialize(created));
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

    private static async Task<IList<V1Pod>> IdlePodsAsync(IKubernetes client) =>
        (await client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: PoolLabels.IdleSelector(Runtime))).Items;

    private static async Task<IList<V1Pod>> WaitIdleAsync(IKubernetes client, int count)
    {
        IList<V1Pod> pods = [];
        await KubeUntil(async () => (pods = await IdlePodsAsync(client)).Count == count, $"{count} idle pool pods");
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
