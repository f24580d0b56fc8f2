using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using k8s;
using Serverless.Core.Api;
using Serverless.KubeApiServer;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.TestSupport;
using Xunit.Abstractions;

namespace Serverless.Platform.Tests.Kubernetes.Leadership;

/// <summary>
/// Controller replicas as real processes (<c>serverless-platform kubernetes controller</c>, leader election on with the
/// default durations, as deployed) against one API double with its Deployment simulator; what the election and
/// reconciliation look like from outside: the Lease's holder, each replica's <c>/readyz</c>, Functions turning Ready.
/// </summary>
internal sealed class ControllerReplicas : IAsyncDisposable
{
    public const string Ns = "team-a";

    private readonly TempDirectory _directory = new("kube-replicas");
    private readonly Dictionary<string, (KubernetesComponent Process, PortReservation MetricsPort)> _replicas = [];
    private readonly ITestOutputHelper _output;
    // A bound on one probe or scrape, not on the platform: a cold process on a loaded machine took over 2 s to answer
    // its first /metrics (Failover_LeaderGetsSigterm failed so). The waits that time the platform are UntilAsync's.
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly HashSet<string> _stopped = [];
    private readonly List<string> _timeline = [];

    private ControllerReplicas(KubeApiDouble api, ITestOutputHelper output)
    {
        Api = api;
        _output = output;

        // What the API server committed and when (besides the Lease renewals), printed at the end: where a slow
        // reconciliation spent its time.
        Api.Changed += change =>
        {
            if (change.Type.Plural != "leases" || change.Previous?["spec"]?["holderIdentity"]?.ToString() != change.Object["spec"]?["holderIdentity"]?.ToString())
            {
                lock (_timeline)
                {
                    _timeline.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {change.Change} {change.Type.Plural} {change.Object["metadata"]?["name"]} rv {change.ResourceVersion}");
                }
            }
        };
    }

    public KubeApiDouble Api { get; }

    public static async Task<ControllerReplicas> StartAsync(ITestOutputHelper output)
    {
        var api = await KubeApiDouble.StartAsync();
        api.StartDeploymentSimulator();

        // Not inside a measured window: the first Function and Revision writes would stall the double meanwhile.
        api.CompileValidationRules();
        return new ControllerReplicas(api, output);
    }

    /// <summary>Starts replica <paramref name="pod"/> (its POD_NAME, so its identity in the Lease).</summary>
    public void Start(string pod)
    {
        // Held until the end: a port merely free when chosen may be taken before the replica binds it.
        var port = FreePort.Reserve();
        var kubeconfig = Api.WriteKubeconfig(Path.Combine(_directory.Path, pod + ".kubeconfig"), "controller");
        _replicas[pod] = (KubernetesComponent.Start(kubeconfig, pod, "controller", "--metrics", $"127.0.0.1:{port.Port}"), port);
    }

    public KubernetesComponent this[string pod] => _replicas[pod].Process;

    /// <summary>Who holds the controller's Lease now, as the API server says (empty once released).</summary>
    public string? Holder => Api.GetObject(ResourceTypes.Leases, "serverless-system", "serverless-controller")?["spec"]?["holderIdentity"]?.GetValue<string>();

    public async Task<HttpStatusCode?> ReadyzAsync(string pod)
    {
        try
        {
            using var response = await _http.GetAsync($"http://127.0.0.1:{_replicas[pod].MetricsPort.Port}/readyz");
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The replica's <c>serverless_controller_leader</c> gauge, from its /metrics.</summary>
    public async Task<double> LeaderGaugeAsync(string pod) =>
        Serverless.TestSupport.PrometheusText.Parse(await _http.GetStringAsync($"http://127.0.0.1:{_replicas[pod].MetricsPort.Port}/metrics"))
            .Value("serverless_controller_leader");

    /// <summary>Creates a Function as a user would (the API server must be up).</summary>
    public Task CreateFunctionAsync(string name)
    {
        var body = new JsonObject
        {
            ["apiVersion"] = ApiGroup.ApiVersion,
            ["kind"] = Function.KindName,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Ns },
            ["spec"] = new JsonObject
            {
                ["runtime"] = RuntimeNames.Node,
                ["handler"] = "index.js:handle",
                ["source"] = new JsonObject { ["configMap"] = name + "-0123456789" },
                ["scale"] = new JsonObject { ["minScale"] = 1, ["initialScale"] = 1 },
            },
        };
        var user = Api.CreateClient("user");
        return user.CustomObjects.CreateNamespacedCustomObjectAsync(body, ApiGroup.Group, ApiGroup.Version, Ns, Function.Plural);
    }

    public bool IsReady(string name) =>
        Api.GetObject(ResourceTypes.Functions, Ns, name)?["status"]?["conditions"] is JsonArray conditions
        && conditions.Any(c => c?["type"]?.GetValue<string>() == ConditionTypes.Ready && c["status"]?.GetValue<string>() == ConditionStatus.True);

    /// <summary>
    /// Polls every 50 ms until <paramref name="condition"/> holds and returns how long that took; fails after
    /// <paramref name="bound"/>, or at once when a replica that should run has exited.
    /// </summary>
    public async Task<TimeSpan> UntilAsync(Func<Task<bool>> condition, TimeSpan bound, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (_replicas.FirstOrDefault(r => r.Value.Process.HasExited && !_stopped.Contains(r.Key)) is { Key: not null } exited)
            {
                Assert.Fail($"{exited.Key} exited while waiting for {what}:\n{exited.Value.Process.Output}");
            }

            Assert.True(clock.Elapsed < bound, $"not within {bound.TotalSeconds} s: {what}");
            await Task.Delay(50);
        }

        return clock.Elapsed;
    }

    public Task<TimeSpan> UntilAsync(Func<bool> condition, TimeSpan bound, string what) =>
        UntilAsync(() => Task.FromResult(condition()), bound, what);

    /// <summary>Marks <paramref name="pod"/> as stopped on purpose, so that its exit fails no wait.</summary>
    public void Stopping(string pod) => _stopped.Add(pod);

    public async ValueTask DisposeAsync()
    {
        foreach (var (pod, replica) in _replicas)
        {
            await replica.Process.DisposeAsync();
            replica.MetricsPort.Dispose();
            _output.WriteLine($"--- {pod}\n{replica.Process.Output}");
        }

        lock (_timeline)
        {
            _output.WriteLine("--- committed by the API server\n" + string.Join("\n", _timeline));
        }

        _http.Dispose();
        await Api.DisposeAsync();
        _directory.Dispose();
    }
}
