using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Controller;
using Serverless.Controller.Metrics;
using Serverless.Core.Api;
using Serverless.Hosting.Kubernetes;
using Serverless.KubeApiServer;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.KubeApiServer.Validation;
using Serverless.Platform.Kubernetes;

// N Functions created at once against the API server double (with its Deployment simulator) and reconciled to
// Ready by the real Kubernetes-mode controller; see bench/kubernetes/run.sh.
var quick = args.Contains("--quick");
var output = ArgValue("--out") ?? Path.Combine("bench", "results", "kubernetes.json");
var count = int.Parse(ArgValue("--functions") ?? (quick ? "100" : "1000"), CultureInfo.InvariantCulture);
var workers = int.Parse(ArgValue("--workers") ?? "4", CultureInfo.InvariantCulture);
var timeout = TimeSpan.FromSeconds(int.Parse(ArgValue("--timeout") ?? "300", CultureInfo.InvariantCulture));
const string Controller = "controller";

// --no-cel: the double checks the CRD schema only, as before it evaluated CEL rules; the controller's own cost is
// then what is measured (with CEL, every write of a Function waits for the rules to run in the engine's Node.js process).
var noCel = args.Contains("--no-cel");
await using var api = await KubeApiDouble.StartAsync(noCel ? new KubeApiDoubleOptions { ValidationRules = NoValidationRules.Instance } : null);
api.StartDeploymentSimulator();
var controllerClient = api.CreateClient(Controller);
var controller = new KubernetesFunctionController(
    controllerClient,
    KubernetesFunctionStore.Open(controllerClient),
    new KubernetesWorkloadOptions(),
    new ControllerOptions { Workers = workers, ResyncPeriod = TimeSpan.FromMinutes(10), RevisionWorkloads = true },
    new ControllerMetrics(Prometheus.Metrics.NewCustomRegistry()),
    TimeProvider.System,
    NullLoggerFactory.Instance,
    revisionStore: new KubernetesStores(controllerClient).Revisions); // as the controller role runs: Revisions cut (issue #17)
using var stop = new CancellationTokenSource();
var run = controller.RunAsync(stop.Token);
await Until(() => controller.HasSynced, TimeSpan.FromSeconds(30), "the controller's caches sync");
var startupCalls = api.Audit.For(Controller).Count;

// Ready is counted from the double's change feed (a poll of 1000 objects would compete with the controller).
var ready = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
var deploymentsCreated = 0;
var deploymentsReady = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
var clock = new Stopwatch();
TimeSpan allDeployments = default, allDeploymentsReady = default;
api.Changed += change =>
{
    if (change.Type == ResourceTypes.Deployments)
    {
        if (change.Change == Serverless.KubeApiServer.Storage.ChangeType.Added && Interlocked.Increment(ref deploymentsCreated) == count)
        {
            allDeployments = clock.Elapsed;
        }

        var key = change.Object["metadata"]!["namespace"] + "/" + change.Object["metadata"]!["name"];
        if (change.Object["status"]?["readyReplicas"]?.ToJsonString() == "1" && deploymentsReady.TryAdd(key, true) && deploymentsReady.Count == count)
        {
            allDeploymentsReady = clock.Elapsed;
        }
    }

    if (change.Type == ResourceTypes.Functions && change.Change != Serverless.KubeApiServer.Storage.ChangeType.Deleted)
    {
        ready[change.Object["metadata"]!["namespace"] + "/" + change.Object["metadata"]!["name"]] = IsReady(change.Object);
    }
};

// "At once": every create is in flight together, limited only by the client's connection pool.
var user = api.CreateClient("user");
clock.Start();
await Parallel.ForEachAsync(
    Enumerable.Range(0, count),
    new ParallelOptions { MaxDegreeOfParallelism = 64 },
    async (i, ct) => await user.CustomObjects.CreateNamespacedCustomObjectAsync(
        FunctionBody(i), ApiGroup.Group, ApiGroup.Version, Namespace(i), Function.Plural, cancellationToken: ct));
var created = clock.Elapsed;
await Until(() => ready.Count(r => r.Value) == count, timeout, $"{count} Functions turn Ready");
var reconciled = clock.Elapsed;

// Settle: late events (the simulator's final status) may still cause a status write that counts.
await Task.Delay(500);
var calls = api.Audit.For(Controller).Skip(startupCalls).ToList();
await stop.CancelAsync();
await run;

var perFunction = (double)calls.Count / count;
var byCall = calls
    .GroupBy(r => $"{r.Verb} {(r.ApiGroup.Length == 0 ? "core" : r.ApiGroup)}/{r.ResourcePath}")
    .OrderByDescending(g => g.Count())
    .ToDictionary(g => g.Key, g => Math.Round((double)g.Count() / count, 3));
var conflicts = calls.Count(r => r.StatusCode == 409);

var table = new StringBuilder();
table.AppendLine(CultureInfo.InvariantCulture, $"Kubernetes mode: {count} Functions created at once against the API server double, controller with {workers} workers");
table.AppendLine();
table.AppendLine("| functions | Functions created (s) | Deployments created (s) | Deployments ready (s) | Functions Ready (s) | Functions/s | API calls per Function | 409 conflicts |");
table.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
table.AppendLine(CultureInfo.InvariantCulture,
    $"| {count} | {created.TotalSeconds:0.00} | {allDeployments.TotalSeconds:0.00} | {allDeploymentsReady.TotalSeconds:0.00} | {reconciled.TotalSeconds:0.00} | {count / reconciled.TotalSeconds:0} | {perFunction:0.00} | {conflicts} |");
table.AppendLine();
table.AppendLine("| controller call | per Function |");
table.AppendLine("|---|---:|");
foreach (var (call, rate) in byCall)
{
    table.AppendLine(CultureInfo.InvariantCulture, $"| {call} | {rate:0.###} |");
}

Console.Write(table.ToString());
var document = new Dictionary<string, object>
{
    ["benchmark"] = "kubernetes",
    ["quick"] = quick,
    ["functions"] = count,
    ["workers"] = workers,
    ["create_seconds"] = Math.Round(created.TotalSeconds, 3),
    ["deployments_created_seconds"] = Math.Round(allDeployments.TotalSeconds, 3),
    ["deployments_ready_seconds"] = Math.Round(allDeploymentsReady.TotalSeconds, 3),
    // The key keeps its name in --quick runs; "functions" says how many were reconciled.
    ["reconcile_1000_seconds"] = Math.Round(reconciled.TotalSeconds, 3),
    ["functions_per_second"] = Math.Round(count / reconciled.TotalSeconds, 1),
    ["api_calls_per_function"] = Math.Round(perFunction, 3),
    ["conflicts"] = conflicts,
    ["calls_per_function"] = byCall,
};
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
File.WriteAllText(output, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }) + "\n");
Console.WriteLine();
Console.WriteLine($"wrote {output}");
return 0;

static bool IsReady(JsonObject f) =>
    f["status"]?["observedGeneration"]?.ToJsonString() == f["metadata"]?["generation"]?.ToJsonString()
    && f["status"]?["conditions"] is JsonArray conditions
    && conditions.Any(c => c?["type"]?.GetValue<string>() == ConditionTypes.Ready && c["status"]?.GetValue<string>() == ConditionStatus.True);

static string Namespace(int i) => "bench-" + (i % 10).ToString(CultureInfo.InvariantCulture);

static JsonObject FunctionBody(int i) => new()
{
    ["apiVersion"] = ApiGroup.ApiVersion,
    ["kind"] = Function.KindName,
    ["metadata"] = new JsonObject { ["name"] = "fn-" + i.ToString(CultureInfo.InvariantCulture), ["namespace"] = Namespace(i) },
    ["spec"] = new JsonObject
    {
        ["runtime"] = RuntimeNames.Node,
        ["handler"] = "index.js:handle",
        ["source"] = new JsonObject { ["configMap"] = "fn-" + i.ToString(CultureInfo.InvariantCulture) + "-0123456789" },
        ["timeoutSeconds"] = 300,
    },
};

static async Task Until(Func<bool> condition, TimeSpan limit, string what)
{
    var deadline = Stopwatch.StartNew();
    while (!condition())
    {
        if (deadline.Elapsed > limit)
        {
            throw new TimeoutException($"not within {limit.TotalSeconds:0} s: {what}");
        }

        await Task.Delay(25);
    }
}

string? ArgValue(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
