// Cold start with the function sandbox on against off, two ways:
//  backend:   spawn → first 200 on a real request, through the local backend's own launch path (LocalProcessBackend,
//             the same code the platform runs), as bench/runtimes measures a bare runtime;
//  activator: a request to a Function at zero through the platform's ingress → its 200 (activation, scale from
//             zero, start, readiness, forwarding), on two platforms, one started with --no-sandbox.
// Rounds alternate the two modes (the order flips each round), so drift in machine load affects both alike.
// Usage: Serverless.Bench.Sandbox --out FILE --runs N --layout DIR --artifacts DIR [--skip-activator] [--runtimes dotnet,node,python]
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Backends.Local.Processes;
using Serverless.Core.Contracts;

var options = Args.Parse(args);
var targets = new Target[]
{
    new Target("dotnet", "HelloDotnet::HelloDotnet.Handler::Handle", Path.Combine(options.Artifacts, "hello-dotnet"), "/?name=bench"),
    new Target("node", "index.js:handle", Path.Combine(options.Root, "examples", "hello-node"), "/?name=bench"),
    new Target("python", "main:handle", Path.Combine(options.Root, "examples", "hello-python"), "/?name=bench"),
}.Where(t => options.Runtimes is null || options.Runtimes.Contains(t.Runtime)).ToArray();
using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(30) };
var results = new JsonObject();

var backendResults = new JsonObject();
foreach (var target in targets)
{
    var samples = await BackendBench.RunAsync(options, target, http);
    backendResults[target.Runtime] = Summary.Of(samples);
    Console.Error.WriteLine($"backend {target.Runtime}: done");
}

results["backend"] = backendResults;
if (!options.SkipActivator)
{
    var activatorResults = new JsonObject();
    await using var off = await Platform.StartAsync(options.Layout, [options.Artifacts, options.Root], sandbox: false, poolSize: 0, "sandbox"); // no warm pool: it would serve only the sandbox-off side
    await using var on = await Platform.StartAsync(options.Layout, [options.Artifacts, options.Root], sandbox: true, poolSize: 0, "sandbox");
    foreach (var target in targets)
    {
        var samples = await ActivatorBench.RunAsync(options, target, off, on, http);
        activatorResults[target.Runtime] = Summary.Of(samples);
        Console.Error.WriteLine($"activator {target.Runtime}: done");
    }

    results["activator"] = activatorResults;
}

var document = new JsonObject
{
    ["benchmark"] = "cold start with the function sandbox (bubblewrap) on vs off: through the local backend, and through the activator",
    ["runs"] = options.Runs,
    ["machine"] = new JsonObject { ["cpus"] = Environment.ProcessorCount, ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription },
    ["results"] = results,
};
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Out))!);
await File.WriteAllTextAsync(options.Out, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

Console.WriteLine($"Cold start, sandbox off vs on ({options.Runs} runs each, ms)\n");
Console.WriteLine("| path | runtime | off p50 | on p50 | added p50 | off p90 | on p90 | on/off p50 |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
foreach (var (path, node) in results)
{
    foreach (var (runtime, summary) in node!.AsObject())
    {
        var s = summary!.AsObject();
        Console.WriteLine(FormattableString.Invariant(
            $"| {path} | {runtime} | {s["off_p50_ms"]} | {s["on_p50_ms"]} | {s["added_p50_ms"]} | {s["off_p90_ms"]} | {s["on_p90_ms"]} | {s["ratio_p50"]} |"));
    }
}

return 0;

internal sealed record Args(string Out, int Runs, string Layout, string Artifacts, string Root, bool SkipActivator, string[]? Runtimes)
{
    public static Args Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", ".."));
        return new Args(
            Value("--out") ?? throw new ArgumentException("--out FILE is required"),
            int.Parse(Value("--runs") ?? "20", CultureInfo.InvariantCulture),
            Value("--layout") ?? throw new ArgumentException("--layout DIR (the .out install layout) is required"),
            Value("--artifacts") ?? throw new ArgumentException("--artifacts DIR (holding hello-dotnet) is required"),
            Value("--root") ?? root,
            args.Contains("--skip-activator"),
            Value("--runtimes")?.Split(','));
    }
}

internal static class Summary
{
    public static JsonObject Of((List<double> Off, List<double> On) samples)
    {
        var offP50 = Percentile(samples.Off, 0.5);
        var onP50 = Percentile(samples.On, 0.5);
        return new JsonObject
        {
            ["off_p50_ms"] = Round(offP50),
            ["on_p50_ms"] = Round(onP50),
            ["added_p50_ms"] = Round(onP50 - offP50),
            ["off_p90_ms"] = Round(Percentile(samples.Off, 0.9)),
            ["on_p90_ms"] = Round(Percentile(samples.On, 0.9)),
            ["ratio_p50"] = Math.Round(onP50 / offP50, 3),
        };
    }

    /// <summary>Nearest rank, as bench/runtimes/harness.py; the median of an even count is the mean of the middle two.</summary>
    private static double Percentile(List<double> values, double p)
    {
        var ordered = values.Order().ToList();
        if (p == 0.5)
        {
            var middle = ordered.Count / 2;
            return ordered.Count % 2 == 1 ? ordered[middle] : (ordered[middle - 1] + ordered[middle]) / 2;
        }

        return ordered[Math.Max(0, (int)Math.Ceiling(p * ordered.Count) - 1)];
    }

    private static double Round(double value) => Math.Round(value, 1);
}

internal static class BackendBench
{
    /// <summary>One warm-up start per mode (first starts resolve the runtime), then the measured rounds.</summary>
    public static async Task<(List<double> Off, List<double> On)> RunAsync(Args options, Target target, HttpClient http)
    {
        var state = Directory.CreateTempSubdirectory("bench-sandbox-");
        try
        {
            await using var off = Backend(Path.Combine(state.FullName, "off"), options.Layout, sandbox: false);
            await using var on = Backend(Path.Combine(state.FullName, "on"), options.Layout, sandbox: true);
            await InstanceSpawn.ColdStartAsync(off, target, "warm-off", http, atHeaders: false);
            await InstanceSpawn.ColdStartAsync(on, target, "warm-on", http, atHeaders: false);
            var (offTimes, onTimes) = (new List<double>(), new List<double>());
            for (var round = 0; round < options.Runs; round++)
            {
                foreach (var sandboxed in round % 2 == 0 ? new[] { false, true } : [true, false])
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"b{round}-{(sandboxed ? "on" : "off")}");
                    (sandboxed ? onTimes : offTimes).Add(await InstanceSpawn.ColdStartAsync(sandboxed ? on : off, target, name, http, atHeaders: false));
                }
            }

            return (offTimes, onTimes);
        }
        finally
        {
            state.Delete(recursive: true);
        }
    }

    private static LocalProcessBackend Backend(string stateDirectory, string layout, bool sandbox)
    {
        var options = new LocalBackendOptions { StateDirectory = stateDirectory, RuntimesDirectory = Path.Combine(layout, "runtimes") };
        options.Sandbox.Enabled = sandbox;
        options.PoolSize = 0; // the sandbox's cost on a fresh start: no warm pool, which runs only with the sandbox off
        return new LocalProcessBackend(options, NullLogger<LocalProcessBackend>.Instance, TimeProvider.System);
    }
}

internal static class ActivatorBench
{
    public static async Task<(List<double> Off, List<double> On)> RunAsync(Args options, Target target, Platform off, Platform on, HttpClient http)
    {
        await ColdStartAsync(off, target, $"{target.Runtime}-warm", http);
        await ColdStartAsync(on, target, $"{target.Runtime}-warm", http);
        var (offTimes, onTimes) = (new List<double>(), new List<double>());
        for (var round = 0; round < options.Runs; round++)
        {
            foreach (var sandboxed in round % 2 == 0 ? new[] { false, true } : [true, false])
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"{target.Runtime}-{round}");
                (sandboxed ? onTimes : offTimes).Add(await ColdStartAsync(sandboxed ? on : off, target, name, http));
            }
        }

        return (offTimes, onTimes);
    }

    /// <summary>
    /// Creates a Function at zero (initialScale 0), waits until the controller observed it (the activator knows it
    /// then), and times one request through the ingress; then deletes it.
    /// </summary>
    private static async Task<double> ColdStartAsync(Platform platform, Target target, string name, HttpClient http)
    {
        await platform.CreateAtZeroAsync(target, name);

        var clock = Stopwatch.StartNew();
        using (var response = await http.GetAsync($"{platform.Ingress}/default/{name}{target.Path}"))
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{name}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            await response.Content.ReadAsByteArrayAsync();
        }

        var elapsed = clock.Elapsed.TotalMilliseconds;
        await platform.DeleteFunctionAsync(name);

        return elapsed;
    }
}
