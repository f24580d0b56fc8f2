// Cold start from zero to the first byte, through the real activator, per runtime, with the bare spawn of the same
// runtime as the baseline in the same run:
//  spawn:     the local backend's own launch path (LocalProcessBackend, the code the platform runs) → first 200
//             from the instance's port, polled every 2 ms: what the runtime itself costs;
//  activator: a request to a Function at zero through the platform's ingress → its response headers (first byte):
//             activation, scale from zero, spawn, readiness, forwarding.
// Rounds alternate the two paths (the order flips each round), so drift in machine load affects both alike.
// The profile: the activator's serverless_activator_cold_start_seconds (first request queued → forwarded) is read
// per request from /metrics, which splits the activator path into "queue → forward" and "forward → first byte"
// (the instance serving the first request); the activator's own share is its p50 minus the spawn path's p50.
// With --pool N (sandbox on or off) the platform keeps N generic instances per pooled runtime (local.pool-size) and
// each activator-path request waits until the pool is full again, so it measures a cold start served by
// specializing a warm instance; without it pool-size is 0. The spawn baseline never uses a pool.
// Usage: Serverless.Bench.ColdStart --out FILE --runs N --layout DIR --artifacts DIR [--root DIR] [--no-sandbox]
//        [--skip-activator] [--runtimes dotnet,node,python] [--label NAME] [--pool N]
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Backends.Local.Processes;
using Serverless.Core.Contracts;

var options = Args.Parse(args);
var targets = new Target[]
{
    new("dotnet", "HelloDotnet::HelloDotnet.Handler::Handle", Path.Combine(options.Artifacts, "hello-dotnet"), "/?name=bench"),
    // The same function built with `build: {native: true}` (run.sh builds it when asked for): one NativeAOT executable.
    new("dotnet", "HelloDotnet::HelloDotnet.Handler::Handle", Path.Combine(options.Artifacts, "hello-dotnet-native"), "/?name=bench", "dotnet-native"),
    new("node", "index.js:handle", Path.Combine(options.Root, "examples", "hello-node"), "/?name=bench"),
    new("python", "main:handle", Path.Combine(options.Root, "examples", "hello-python"), "/?name=bench"),
}.Where(t => options.Runtimes is null ? t.Name is null : options.Runtimes.Contains(t.Label)).ToArray();
using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(30) };

var results = new JsonObject();
var state = Directory.CreateTempSubdirectory("bench-coldstart-");
try
{
    await using var backend = Backend(Path.Combine(state.FullName, "backend"), options);
    await using var platform = options.SkipActivator ? null : await Platform.StartAsync(options.Layout, [options.Artifacts, options.Root], options.Sandbox, options.Pool, "coldstart");
    foreach (var target in targets)
    {
        // One warm-up per path: the first start of a runtime reads it from disk.
        await InstanceSpawn.ColdStartAsync(backend, target, $"{target.Label}-warm", http, atHeaders: true);
        if (platform is not null)
        {
            await ActivatorBench.ColdStartAsync(platform, target, $"{target.Label}-warm", http);
        }

        var spawn = new List<double>();
        var activator = new List<Sample>();
        for (var round = 0; round < options.Runs; round++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"{target.Label}-{round}");
            var spawnFirst = round % 2 == 0 || platform is null;
            if (spawnFirst)
            {
                spawn.Add(await InstanceSpawn.ColdStartAsync(backend, target, "s-" + name, http, atHeaders: true));
            }

            if (platform is not null)
            {
                if (options.Pool > 0)
                {
                    await platform.WaitForPoolAsync(target.Runtime, options.Pool);
                }

                activator.Add(await ActivatorBench.ColdStartAsync(platform, target, name, http));
            }

            if (!spawnFirst)
            {
                spawn.Add(await InstanceSpawn.ColdStartAsync(backend, target, "s-" + name, http, atHeaders: true));
            }
        }

        results[target.Label] = Summary.Of(spawn, activator);
        Console.Error.WriteLine($"{target.Label}: done");
    }
}
finally
{
    state.Delete(recursive: true);
}

var document = new JsonObject
{
    ["benchmark"] = "cold start from zero to the first byte through the activator, vs the bare spawn → first 200 of the same runtime (local backend launch path), same run",
    ["label"] = options.Label,
    ["runs"] = options.Runs,
    ["sandbox"] = options.Sandbox,
    ["pool_size"] = options.Pool,
    ["machine"] = new JsonObject
    {
        ["cpus"] = Environment.ProcessorCount,
        ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        ["load_average"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : null,
    },
    ["runtimes"] = results,
};
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Out))!);
await File.WriteAllTextAsync(options.Out, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

Console.WriteLine($"Cold start, zero → first byte ({options.Runs} runs each, ms; sandbox {(options.Sandbox ? "on" : "off")}; pool-size {options.Pool})\n");
Console.WriteLine("| runtime | spawn p50 | spawn p90 | spawn p99 | activator p50 | activator p90 | activator p99 | queue→forward p50 | forward→first byte p50 | activator share p50 |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var (runtime, summary) in results)
{
    var s = summary!.AsObject();
    string V(string group, string key) => s[group]?[key]?.ToString() ?? "–";
    Console.WriteLine(
        $"| {runtime} | {V("spawn", "p50_ms")} | {V("spawn", "p90_ms")} | {V("spawn", "p99_ms")} | {V("activator", "p50_ms")} | {V("activator", "p90_ms")} | {V("activator", "p99_ms")} | {V("queue_to_forward", "p50_ms")} | {V("forward_to_first_byte", "p50_ms")} | {s["activator_share_p50_ms"]?.ToString() ?? "–"} |");
}

return 0;

static LocalProcessBackend Backend(string stateDirectory, Args options)
{
    var backendOptions = new LocalBackendOptions { StateDirectory = stateDirectory, RuntimesDirectory = Path.Combine(options.Layout, "runtimes") };
    backendOptions.Sandbox.Enabled = options.Sandbox;
    backendOptions.PoolSize = 0; // the baseline is a bare spawn
    return new LocalProcessBackend(backendOptions, NullLogger<LocalProcessBackend>.Instance, TimeProvider.System);
}

/// <summary>One request through the activator: total to the first byte, and the activator's queue → forward for it.</summary>
internal sealed record Sample(double TotalMs, double? QueueToForwardMs);

internal sealed record Args(string Out, int Runs, string Layout, string Artifacts, string Root, bool Sandbox, bool SkipActivator, string[]? Runtimes, string? Label, int Pool)
{
    public static Args Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", ".."));
        return new Args(
            Value("--out") ?? throw new ArgumentException("--out FILE is required"),
            int.Parse(Value("--runs") ?? "30", CultureInfo.InvariantCulture),
            Value("--layout") ?? throw new ArgumentException("--layout DIR (the .out install layout) is required"),
            Value("--artifacts") ?? throw new ArgumentException("--artifacts DIR (holding hello-dotnet) is required"),
            Value("--root") ?? root,
            !args.Contains("--no-sandbox"),
            args.Contains("--skip-activator"),
            Value("--runtimes")?.Split(','),
            Value("--label"),
            int.Parse(Value("--pool") ?? "0", CultureInfo.InvariantCulture));
    }
}

internal static class Summary
{
    public static JsonObject Of(List<double> spawn, List<Sample> activator)
    {
        var result = new JsonObject { ["spawn"] = Percentiles(spawn) };
        if (activator.Count > 0)
        {
            var totals = activator.Select(s => s.TotalMs).ToList();
            result["activator"] = Percentiles(totals);
            var queued = activator.Where(s => s.QueueToForwardMs is not null).ToList();
            if (queued.Count > 0)
            {
                result["queue_to_forward"] = Percentiles(queued.Select(s => s.QueueToForwardMs!.Value).ToList());
                result["forward_to_first_byte"] = Percentiles(queued.Select(s => s.TotalMs - s.QueueToForwardMs!.Value).ToList());
            }

            result["activator_share_p50_ms"] = Round(Percentile(totals, 0.5) - Percentile(spawn, 0.5));
            result["ratio_to_spawn_p50"] = Math.Round(Percentile(totals, 0.5) / Percentile(spawn, 0.5), 2);
        }

        return result;
    }

    private static JsonObject Percentiles(List<double> values) => new()
    {
        ["p50_ms"] = Round(Percentile(values, 0.5)),
        ["p90_ms"] = Round(Percentile(values, 0.9)),
        ["p99_ms"] = Round(Percentile(values, 0.99)),
        ["min_ms"] = Round(values.Min()),
        ["max_ms"] = Round(values.Max()),
        ["n"] = values.Count,
    };

    /// <summary>Nearest rank, as bench/runtimes/harness.py; the median of an even count is the mean of the middle two.</summary>
    public static double Percentile(List<double> values, double p)
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

internal static partial class ActivatorBench
{
    /// <summary>
    /// Creates a Function at zero (initialScale 0), waits until the controller observed it (the activator knows it
    /// then), and times one request through the ingress to its response headers; then reads the activator's
    /// queue → forward for it from /metrics, and deletes the Function.
    /// </summary>
    public static async Task<Sample> ColdStartAsync(Platform platform, Target target, string name, HttpClient http)
    {
        await platform.CreateAtZeroAsync(target, name);

        var clock = Stopwatch.StartNew();
        double elapsed;
        using (var response = await http.GetAsync($"{platform.Ingress}/default/{name}{target.Path}", HttpCompletionOption.ResponseHeadersRead))
        {
            elapsed = clock.Elapsed.TotalMilliseconds;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"{name}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            await response.Content.ReadAsByteArrayAsync();
        }

        var queued = await QueueToForwardMsAsync(platform, name);
        await platform.DeleteFunctionAsync(name);

        return new Sample(elapsed, queued);
    }

    /// <summary>The sum of the function's cold-start histogram: one observation, this request's queue → forward.</summary>
    private static async Task<double?> QueueToForwardMsAsync(Platform platform, string name)
    {
        var text = await platform.AdminClient.GetStringAsync(platform.Admin + "/metrics");
        foreach (Match match in ColdStartSum().Matches(text))
        {
            if (match.Groups["labels"].Value.Contains($"function=\"{name}\"", StringComparison.Ordinal))
            {
                return double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture) * 1000;
            }
        }

        return null;
    }

    [GeneratedRegex(@"^serverless_activator_cold_start_seconds_sum\{(?<labels>[^}]*)\} (?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex ColdStartSum();
}
