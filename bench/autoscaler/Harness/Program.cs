using System.Globalization;
using System.Text;
using System.Text.Json;
using Serverless.Autoscaler.Configuration;
using Serverless.Bench.Autoscaler;
using Serverless.Core.Defaulting;

// Replays synthetic traces through the KPA and an HPA-style baseline; see bench/autoscaler/run.sh.
var quick = args.Contains("--quick");
var output = ArgValue("--out") ?? Path.Combine("bench", "results", "autoscaler.json");
var seed = int.Parse(ArgValue("--seed") ?? "42", CultureInfo.InvariantCulture);
var startupDelay = double.Parse(ArgValue("--startup-delay") ?? "1", CultureInfo.InvariantCulture);
var poolSize = int.Parse(ArgValue("--pool-size") ?? "0", CultureInfo.InvariantCulture);
var poolStart = double.Parse(ArgValue("--pool-start-ms") ?? "20", CultureInfo.InvariantCulture) / 1000;
var startup = poolSize > 0 ? new StartupModel(startupDelay, poolSize, poolStart) : StartupModel.Fresh(startupDelay);

// 30 min full, 10 min quick; the HPA's 5 min stabilization is scaled by the same factor (300 s → 100 s quick).
var seconds = quick ? 600 : 1800;
var stabilization = 300 * seconds / 1800;
var options = new AutoscalerOptions();
if (ArgValue("--stable-window") is { } stableWindow)
{
    options.StableWindow = TimeSpan.FromSeconds(double.Parse(stableWindow, CultureInfo.InvariantCulture));
}
// --min-scale 1 gives the KPA the baseline's floor (an HPA never reaches zero), so that the cost of zero and the
// cost of the policy can be told apart on the on/off trace.
var minScale = int.Parse(ArgValue("--min-scale") ?? "0", CultureInfo.InvariantCulture);
var scale = EffectiveScale.Resolve(
    minScale > 0 ? new Serverless.Core.Api.ScaleSpec { MinScale = minScale } : null,
    options.ToScaleDefaults(ScaleMetricNames.Concurrency));
var tick = (int)options.TickInterval.TotalSeconds;
var epoch = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

var results = new List<SimulationResult>();
foreach (var trace in Trace.All(seconds, seed))
{
    results.Add(Simulator.Run(trace, new KpaController(options, scale, epoch), scale, tick, startup));
    results.Add(Simulator.Run(trace, new HpaController(scale.Target * scale.TargetUtilization, stabilization), scale, tick, startup));
}

var table = new StringBuilder();
table.AppendLine(CultureInfo.InvariantCulture, $"Autoscaler simulation: {seconds} s traces, seed {seed}, {startup.Describe()}, tick {tick} s, KPA stable window {options.StableWindow.TotalSeconds:0} s, KPA min-scale {scale.MinScale}, HPA stabilization {stabilization} s, target {scale.Target} × {scale.TargetUtilization:0.##}");
table.AppendLine();
table.AppendLine("| trace | controller | instance-s | ideal instance-s | vs ideal | cold starts | over-capacity request-s | of which at zero | panic ticks | poked decisions | pool idle instance-s |");
table.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var r in results)
{
    table.AppendLine(CultureInfo.InvariantCulture,
        $"| {r.Trace} | {r.Controller} | {r.InstanceSeconds:0} | {r.IdealInstanceSeconds:0} | {r.InstanceSecondsVsIdeal:0.000} | {r.ColdStarts} | {r.OverCapacityRequestSeconds:0} | {r.ColdStartRequestSeconds:0} | {r.PanicTicks} | {r.PokedDecisions} | {r.PoolIdleSeconds:0} |");
}

Console.Write(table.ToString());

var byTrace = results
    .GroupBy(r => r.Trace)
    .ToDictionary(g => g.Key, g => g.ToDictionary(r => r.Controller, r => new Dictionary<string, object>
    {
        ["instance_seconds"] = r.InstanceSeconds,
        ["ideal_instance_seconds"] = r.IdealInstanceSeconds,
        ["instance_seconds_vs_ideal"] = Math.Round(r.InstanceSecondsVsIdeal, 4),
        ["cold_starts"] = r.ColdStarts,
        ["over_capacity_request_seconds"] = Math.Round(r.OverCapacityRequestSeconds, 1),
        ["cold_start_request_seconds"] = Math.Round(r.ColdStartRequestSeconds, 1),
        ["panic_ticks"] = r.PanicTicks,
        ["poked_decisions"] = r.PokedDecisions,
        ["pool_idle_instance_seconds"] = r.PoolIdleSeconds,
    }));
var document = new Dictionary<string, object>
{
    ["benchmark"] = "autoscaler",
    ["quick"] = quick,
    ["trace_seconds"] = seconds,
    ["seed"] = seed,
    ["startup_delay_seconds"] = startupDelay,
    ["pool_size"] = poolSize,
    ["pool_start_seconds"] = poolSize > 0 ? poolStart : null!,
    ["tick_seconds"] = tick,
    ["stable_window_seconds"] = options.StableWindow.TotalSeconds,
    ["kpa_min_scale"] = scale.MinScale,
    ["hpa_stabilization_seconds"] = stabilization,
    ["results"] = byTrace,
};
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
File.WriteAllText(output, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true }) + "\n");
Console.WriteLine();
Console.WriteLine($"wrote {output}");
return 0;

string? ArgValue(string name)
{
    // The last one wins, so that run.sh's default --out gives way to one the caller passes.
    var index = Array.LastIndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
