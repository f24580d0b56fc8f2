using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

// Broker benchmark: a real local platform from the install layout, a warm trivial .NET function that replies to each
// event, and an in-process sink subscribed to the replies. N events are POSTed (binary mode, one per request, C at a
// time); ingress rate = N / time to get every 202 (each 202 means durably committed); delivery rate and latency are
// measured where the reply arrives: publish -> broker -> activator -> function -> reply -> broker -> sink.
if (args is [FloorServer.Flag, ..])
{
    return await FloorServer.RunAsync(args);
}

var args_ = Args.Parse(args);
var layout = Environment.GetEnvironmentVariable("SERVERLESS_OUT") ?? Path.Combine(args_.Root, ".out");
var home = Directory.CreateTempSubdirectory("bench-events-").FullName;
var rabbitMq = args_.Backend == "rabbitmq" ? await Serverless.TestSupport.RabbitMqServer.StartAsync() : null;

// The size of a bench event as the broker stores it (attributes and data), for the baselines.
const int PayloadBytes = 128;

// Requests sent through each path before it is timed, the raw baselines included: enough for the JIT to finish
// tiering the path up (with 200, a profile of the platform showed a third of its CPU in the JIT during the timed phase, and
// DOTNET_JitStdOutFile listed 2,500 methods compiled in it), and a pause for the background tier-1 compiles to finish
// (SettleAsync: at least 2 s, then until the measured processes are idle).
const int WarmUp = 10_000;

// Each backend's baseline first, alone on the machine: the least its kind of durable write costs here.
var rabbitMarker = rabbitMq is null ? null : $"serverless-test-{Environment.ProcessId}-";
var baselineCpu = new CpuMeter(0, rabbitMarker);
var before = baselineCpu.Sample();
_ = rabbitMq is null
    ? await RawSqliteWriter.RunAsync(home, WarmUp, args_.Concurrency, PayloadBytes)
    : await RawRabbitPublisher.RunAsync(rabbitMq.Url, WarmUp, args_.Concurrency, PayloadBytes) + await RawRabbitPublisher.RunAsync(rabbitMq.Url, WarmUp, args_.Concurrency, PayloadBytes, brokerTopology: true);
await SettleAsync(baselineCpu);
before = baselineCpu.Sample();
var baseline = rabbitMq is null
    ? await RawSqliteWriter.RunAsync(home, args_.IngressEvents, args_.Concurrency, PayloadBytes)
    : await RawRabbitPublisher.RunAsync(rabbitMq.Url, args_.IngressEvents, args_.Concurrency, PayloadBytes);
var baselinePerEvent = before.PerEvent(baselineCpu.Sample(), args_.IngressEvents);
Console.Error.WriteLine($"baseline: {Math.Round(baseline)} events/s; CPU per event: {baselinePerEvent}");

// The same baseline with as many writes in flight as the batch phase has events in flight (--concurrency requests of
// --batch events): batching raises what is outstanding, and a durable store commits or confirms more at once with more
// outstanding, so the batch phase is also compared with this.
before = baselineCpu.Sample();
var batchInFlight = args_.Concurrency * args_.Batch;
var baselineAtBatch = rabbitMq is null
    ? await RawSqliteWriter.RunAsync(home, args_.IngressEvents, batchInFlight, PayloadBytes)
    : await RawRabbitPublisher.RunAsync(rabbitMq.Url, args_.IngressEvents, batchInFlight, PayloadBytes);
var baselineAtBatchPerEvent = before.PerEvent(baselineCpu.Sample(), args_.IngressEvents);
Console.Error.WriteLine($"baseline with {batchInFlight} in flight: {Math.Round(baselineAtBatch)} events/s; CPU per event: {baselineAtBatchPerEvent}");

// RabbitMQ only: the same raw publish through the broker's own route (a headers exchange and header binding).
double? topologyBaseline = null;
CpuPerEvent? topologyPerEvent = null;
if (rabbitMq is not null)
{
    before = baselineCpu.Sample();
    topologyBaseline = await RawRabbitPublisher.RunAsync(rabbitMq.Url, args_.IngressEvents, args_.Concurrency, PayloadBytes, brokerTopology: true);
    topologyPerEvent = before.PerEvent(baselineCpu.Sample(), args_.IngressEvents);
    Console.Error.WriteLine($"baseline through the broker's topology: {Math.Round(topologyBaseline.Value)} events/s; CPU per event: {topologyPerEvent}");
}

// RabbitMQ only: the floor under any broker on this machine, with the same HTTP client, requests and concurrency as
// the ingress phases: a bare Kestrel server in a process of its own answering 202 at once, and the same server
// answering 202 after a raw publish with its confirm (FloorServer). Their rates against the raw publisher bound what
// one event a request can reach here, whatever the broker's own code does.
(double Rate, CpuPerEvent Cpu)? floorHttp = null, floorPublish = null;
if (rabbitMq is not null)
{
    floorHttp = await FloorAsync(["http"]);
    Console.Error.WriteLine($"floor, bare Kestrel 202: {Math.Round(floorHttp.Value.Rate)} events/s; CPU per event: {floorHttp.Value.Cpu}");
    floorPublish = await FloorAsync(["publish", rabbitMq.Url.ToString()]);
    Console.Error.WriteLine($"floor, bare Kestrel + raw publish with confirm: {Math.Round(floorPublish.Value.Rate)} events/s; CPU per event: {floorPublish.Value.Cpu}");
}

async Task<(double Rate, CpuPerEvent Cpu)> FloorAsync(string[] mode)
{
    var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true };
    start.ArgumentList.Add(typeof(FloorServer).Assembly.Location);
    start.ArgumentList.Add(FloorServer.Flag);
    foreach (var arg in mode)
    {
        start.ArgumentList.Add(arg);
    }

    using var server = Process.Start(start) ?? throw new InvalidOperationException("cannot start the floor server");
    try
    {
        var url = await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) ?? throw new InvalidOperationException("the floor server did not start");
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = args_.Concurrency }) { BaseAddress = new Uri(url) };
        await Publish(client, Enumerable.Range(0, WarmUp).Select(i => "warm-floor-" + i).ToList(), args_.Concurrency, [], "bench.floor");
        var meter = new CpuMeter(server.Id, rabbitMarker);
        await SettleAsync(meter);
        var ids = Enumerable.Range(0, args_.IngressEvents).Select(i => "f-" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        Console.Error.WriteLine($"floor {mode[0]} (pid {server.Id}): timed phase starts");
        var floorBefore = meter.Sample();
        var floorStart = Stopwatch.GetTimestamp();
        await Publish(client, ids, args_.Concurrency, [], "bench.floor");
        var rate = ids.Count / Stopwatch.GetElapsedTime(floorStart).TotalSeconds;
        Console.Error.WriteLine($"floor {mode[0]}: timed phase ends");
        return (rate, floorBefore.PerEvent(meter.Sample(), ids.Count));
    }
    finally
    {
        server.StandardInput.Close();
        if (!server.WaitForExit(TimeSpan.FromSeconds(10)))
        {
            server.Kill(entireProcessTree: true);
        }
    }
}

// The function runs from the build layout, which the platform allows only when listed (local.source-roots).
var config = new JsonObject { ["local"] = new JsonObject { ["source-roots"] = new JsonArray(layout) } };
if (rabbitMq is not null)
{
    config["broker"] = new JsonObject { ["default-class"] = "rabbitmq", ["rabbitmq-url"] = rabbitMq.Url.ToString() };
}

File.WriteAllText(Path.Combine(home, "config.json"), config.ToJsonString());
var sinkArrivals = new ConcurrentDictionary<string, long>();
var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
var heldArrivals = 0;

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
var sink = builder.Build();
sink.Run(async context =>
{
    if (context.Request.Path == "/hold")
    {
        // The ingress-only phase's subscriber: it holds every delivery until the phase ends, so once the Trigger's
        // in-flight limit is reached no delivery competes with the ingress for the CPU.
        Interlocked.Increment(ref heldArrivals);
        await held.Task;
        context.Response.StatusCode = 202;
        return;
    }

    var id = context.Request.Headers["ce-id"].ToString();
    sinkArrivals.TryAdd(id, Stopwatch.GetTimestamp());
    context.Response.StatusCode = 202;
});
await sink.StartAsync();
var sinkUrl = sink.Urls.First().TrimEnd('/');

var platformStart = new ProcessStartInfo("dotnet")
{
    ArgumentList = { Path.Combine(layout, "platform", "Serverless.Platform.dll"), "--home", home, "--ingress", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--admin-plain-http" }, // the harness measures, on loopback: plain HTTP, explicitly
    RedirectStandardOutput = true,
    RedirectStandardError = true,
};
foreach (var (name, value) in args_.PlatformEnvironment)
{
    // --platform-env: a runtime knob for the platform alone (the A/B of a setting, with the same harness on both sides).
    platformStart.Environment[name] = value;
}

var platform = Process.Start(platformStart) ?? throw new InvalidOperationException("cannot start the platform");
platform.OutputDataReceived += (_, _) => { };
platform.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("platform: " + e.Data); } };
platform.BeginOutputReadLine();
platform.BeginErrorReadLine();
Console.Error.WriteLine($"platform pid {platform.Id}");
var cpu = new CpuMeter(platform.Id, rabbitMarker);
try
{
    var state = Path.Combine(home, "platform.json");
    for (var i = 0; i < 600 && !File.Exists(state); i++)
    {
        await Task.Delay(100);
    }

    using var stateJson = JsonDocument.Parse(await File.ReadAllTextAsync(state));
    var adminUrl = stateJson.RootElement.GetProperty("adminUrl").GetString()!;
    var ingressUrl = stateJson.RootElement.GetProperty("ingressUrl").GetString()!;
    using var admin = new HttpClient { BaseAddress = new Uri(adminUrl) };
    // The admin API always needs the token the platform generated into its home.
    admin.DefaultRequestHeaders.Authorization = new("Bearer", (await File.ReadAllTextAsync(Path.Combine(home, "admin-token"))).Trim());
    const string api = "/apis/serverless.dev/v1alpha1/namespaces/default/";
    var functionPath = Path.Combine(layout, "testassets", "functions", "dotnet-test");
    await Create(admin, api + "functions", """
        {"apiVersion":"serverless.dev/v1alpha1","kind":"Function","metadata":{"name":"bench-reply"},
         "spec":{"runtime":"dotnet","handler":"DotnetTest::DotnetTest.EventHandlers::Reply","source":{"path":FUNCTION_PATH},"scale":{"minScale":1}}}
        """.Replace("FUNCTION_PATH", JsonSerializer.Serialize(functionPath), StringComparison.Ordinal));
    await Create(admin, api + "triggers", """
        {"apiVersion":"serverless.dev/v1alpha1","kind":"Trigger","metadata":{"name":"bench-in"},
         "spec":{"broker":"default","filter":{"attributes":{"type":"bench.in"}},"subscriber":{"ref":{"name":"bench-reply"}}}}
        """);
    await Create(admin, api + "triggers", """
        {"apiVersion":"serverless.dev/v1alpha1","kind":"Trigger","metadata":{"name":"bench-out"},
         "spec":{"broker":"default","filter":{"attributes":{"type":"com.example.reply"}},"subscriber":{"uri":"SINK_URL/"}}}
        """.Replace("SINK_URL", sinkUrl, StringComparison.Ordinal));
    await Create(admin, api + "triggers", """
        {"apiVersion":"serverless.dev/v1alpha1","kind":"Trigger","metadata":{"name":"bench-ingress"},
         "spec":{"broker":"default","filter":{"attributes":{"type":"bench.ingress"}},"subscriber":{"uri":"SINK_URL/hold"}}}
        """.Replace("SINK_URL", sinkUrl, StringComparison.Ordinal));
    await WaitAsync(admin, api + "triggers/bench-ingress", "\"status\":\"True\"", TimeSpan.FromSeconds(30));
    await WaitAsync(admin, api + "functions/bench-reply", "\"readyReplicas\":1", TimeSpan.FromSeconds(60));
    await WaitAsync(admin, api + "triggers/bench-out", "\"status\":\"True\"", TimeSpan.FromSeconds(30));
    await WaitAsync(admin, api + "triggers/bench-in", "\"status\":\"True\"", TimeSpan.FromSeconds(30));

    using var ingress = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = args_.Concurrency }) { BaseAddress = new Uri(ingressUrl) };
    // Warm-up: a few events through the whole path, so JIT and connection setup are not measured.
    await Publish(ingress, Enumerable.Range(0, 50).Select(i => "warm-" + i).ToList(), args_.Concurrency, []);
    await WaitForAsync(() => Enumerable.Range(0, 50).All(i => sinkArrivals.ContainsKey("reply-warm-" + i)), TimeSpan.FromSeconds(60));

    // HTTP only: the same requests through the same ingress, of a type no Trigger matches, so the platform parses,
    // validates and filters each and answers 202 without storing it: the ingress's cost without the store, the
    // second baseline (how fast the platform's HTTP ingress can answer at all on this machine).
    await Publish(ingress, Enumerable.Range(0, WarmUp).Select(i => "warm-none-" + i).ToList(), args_.Concurrency, [], "bench.none");
    await SettleAsync(cpu);
    var noneIds = Enumerable.Range(0, args_.IngressEvents).Select(i => "n-" + i.ToString(CultureInfo.InvariantCulture)).ToList();
    Console.Error.WriteLine("http only: timed phase starts");
    before = cpu.Sample();
    var noneStart = Stopwatch.GetTimestamp();
    await Publish(ingress, noneIds, args_.Concurrency, [], "bench.none");
    var httpOnly = Math.Round(noneIds.Count / Stopwatch.GetElapsedTime(noneStart).TotalSeconds);
    Console.Error.WriteLine("http only: timed phase ends");
    var httpOnlyPerEvent = before.PerEvent(cpu.Sample(), noneIds.Count);
    Console.Error.WriteLine($"http only (no Trigger matches, nothing stored): {httpOnly} events/s; CPU per event: {httpOnlyPerEvent}");

    // Ingress only: every 202 is a durable event (SQLite commit / RabbitMQ confirm); deliveries are held.
    await Publish(ingress, Enumerable.Range(0, WarmUp).Select(i => "warm-ingress-" + i).ToList(), args_.Concurrency, [], "bench.ingress");
    await SettleAsync(cpu);
    var ingressIds = Enumerable.Range(0, args_.IngressEvents).Select(i => "i-" + i.ToString(CultureInfo.InvariantCulture)).ToList();
    Console.Error.WriteLine("ingress only: timed phase starts");
    before = cpu.Sample();
    var ingressStart = Stopwatch.GetTimestamp();
    await Publish(ingress, ingressIds, args_.Concurrency, [], "bench.ingress");
    var ingressOnlySeconds = Stopwatch.GetElapsedTime(ingressStart).TotalSeconds;
    Console.Error.WriteLine("ingress only: timed phase ends");
    var ingressPerEvent = before.PerEvent(cpu.Sample(), ingressIds.Count);
    Console.Error.WriteLine($"ingress only: {Math.Round(ingressIds.Count / ingressOnlySeconds)} events/s; CPU per event: {ingressPerEvent}");

    // Ingress only, batch content mode (application/cloudevents-batch+json): the same events, --batch to a request, the
    // same requests in flight; a 202 still means every event of the batch is durable (one commit, or every confirm).
    await PublishBatches(ingress, Enumerable.Range(0, WarmUp).Select(i => "warm-batch-" + i).ToList(), args_.Batch, args_.Concurrency);
    await SettleAsync(cpu);
    var batchIds = Enumerable.Range(0, args_.IngressEvents).Select(i => "b-" + i.ToString(CultureInfo.InvariantCulture)).ToList();
    Console.Error.WriteLine($"ingress only, batches of {args_.Batch}: timed phase starts");
    before = cpu.Sample();
    var batchStart = Stopwatch.GetTimestamp();
    await PublishBatches(ingress, batchIds, args_.Batch, args_.Concurrency);
    var batchOnly = Math.Round(batchIds.Count / Stopwatch.GetElapsedTime(batchStart).TotalSeconds);
    var batchPerEvent = before.PerEvent(cpu.Sample(), batchIds.Count);
    Console.Error.WriteLine($"ingress only, batches of {args_.Batch}: {batchOnly} events/s; CPU per event: {batchPerEvent}");

    if (args_.IngressOnly)
    {
        // --ingress-only: the A/B of an ingress change, without the end-to-end phase and the drain of the held
        // deliveries before it (most of a run's time); nothing is written to --out.
        var single = ingressIds.Count / ingressOnlySeconds;
        var floorNote = floorPublish is { } f ? $"; floor (Kestrel + raw publish) {Math.Round(f.Rate)}/s = {Math.Round(f.Rate / baseline, 2)} x raw, CPU {f.Cpu} (CPU ratio {Math.Round(baselinePerEvent.Total / f.Cpu.Total, 2)}, broker's {Math.Round(baselinePerEvent.Total / ingressPerEvent.Total, 2)}); bare Kestrel {Math.Round(floorHttp!.Value.Rate)}/s, CPU {floorHttp.Value.Cpu}" : "";
        Console.WriteLine($"ingress-only {Math.Round(single)}/s = {Math.Round(single / baseline, 2)} x raw {Math.Round(baseline)}/s; CPU ingress {ingressPerEvent}, raw {baselinePerEvent}, http-only {httpOnly}/s {httpOnlyPerEvent}{floorNote}; load {LoadAverage()}");
        return 0;
    }

    held.SetResult();
    await WaitForAsync(() => Volatile.Read(ref heldArrivals) >= ingressIds.Count + batchIds.Count + 2 * WarmUp, TimeSpan.FromSeconds(600));
    var ingressOnly = Math.Round(ingressIds.Count / ingressOnlySeconds);

    var ids = Enumerable.Range(0, args_.Events).Select(i => "e-" + i.ToString(CultureInfo.InvariantCulture)).ToList();
    var published = new ConcurrentDictionary<string, long>();
    var start = Stopwatch.GetTimestamp();
    await Publish(ingress, ids, args_.Concurrency, published);
    var ingressSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
    await WaitForAsync(() => ids.All(id => sinkArrivals.ContainsKey("reply-" + id)), TimeSpan.FromSeconds(600));
    var last = ids.Max(id => sinkArrivals["reply-" + id]);
    var deliverySeconds = Stopwatch.GetElapsedTime(start, last).TotalSeconds;
    var latencies = ids.Select(id => Stopwatch.GetElapsedTime(published[id], sinkArrivals["reply-" + id]).TotalMilliseconds).Order().ToArray();

    var metrics = await admin.GetStringAsync("/metrics");
    var commits = Sample(metrics, "serverless_broker_commit_batch_size_count");
    var baselineName = rabbitMq is null
        ? "raw SQLite group-commit writer (WAL, synchronous=FULL, one writer, one fsync per batch)"
        : "raw RabbitMQ.Client 7 publish with confirms (persistent, durable quorum queue, 4 channels)";
    var writes = Sample(metrics, "serverless_broker_commit_batch_size_sum");
    var result = new Dictionary<string, object>
    {
        ["benchmark"] = "events",
        ["quick"] = args_.Quick,
        ["events"] = args_.Events,
        ["concurrency"] = args_.Concurrency,
        ["backend"] = args_.Backend,
        ["ingress_only_events"] = args_.IngressEvents,
        ["ingress_only_events_per_s"] = ingressOnly,
        ["baseline"] = baselineName,
        ["baseline_events_per_s"] = Math.Round(baseline),
        ["ingress_only_vs_baseline"] = Math.Round(ingressOnly / baseline, 2),
        ["baseline_cpu_us_per_event"] = baselinePerEvent,
        ["ingress_only_cpu_us_per_event"] = ingressPerEvent,
        ["http_only_events_per_s"] = httpOnly,
        ["http_only_cpu_us_per_event"] = httpOnlyPerEvent,
        ["ingress_only_vs_http_only"] = Math.Round(ingressOnly / httpOnly, 2),
        ["batch_size"] = args_.Batch,
        ["batch_ingress_only_events_per_s"] = batchOnly,
        ["batch_ingress_only_vs_baseline"] = Math.Round(batchOnly / baseline, 2),
        ["batch_ingress_only_cpu_us_per_event"] = batchPerEvent,
        ["baseline_at_batch_in_flight_events_per_s"] = Math.Round(baselineAtBatch),
        ["baseline_at_batch_in_flight_cpu_us_per_event"] = baselineAtBatchPerEvent,
        ["batch_ingress_only_vs_baseline_at_batch_in_flight"] = Math.Round(batchOnly / baselineAtBatch, 2),
        ["batch_note"] = $"application/cloudevents-batch+json, {args_.Batch} events a request, {args_.Concurrency} requests in flight ({args_.Batch * args_.Concurrency} events, against the baseline's {args_.Concurrency} publishes); a 202 once every event of the batch is durable",
        ["path"] = "POST /brokers/default/default (binary, 1 event per request) -> trigger -> activator -> dotnet function (reply) -> trigger -> sink",
        ["ingress_events_per_s"] = Math.Round(args_.Events / ingressSeconds),
        ["delivery_events_per_s"] = Math.Round(args_.Events / deliverySeconds),
        ["p50_end_to_end_ms"] = Math.Round(Percentile(latencies, 0.50), 1),
        ["p99_end_to_end_ms"] = Math.Round(Percentile(latencies, 0.99), 1),
        ["max_end_to_end_ms"] = Math.Round(latencies[^1], 1),
        ["store_commits"] = commits,
        ["mean_writes_per_commit"] = commits > 0 ? Math.Round(writes / commits, 1) : 0,
        ["cpu_count"] = Environment.ProcessorCount,
        ["load_average_1m"] = LoadAverage(),
    };
    if (floorHttp is { } http && floorPublish is { } floor)
    {
        result["floor"] = "the same HTTP client and requests against a bare Kestrel server in its own process: 202 at once (http), or 202 after a raw publish with its confirm (publish); what no broker code can beat here";
        result["floor_http_events_per_s"] = Math.Round(http.Rate);
        result["floor_http_cpu_us_per_event"] = http.Cpu;
        result["floor_publish_events_per_s"] = Math.Round(floor.Rate);
        result["floor_publish_cpu_us_per_event"] = floor.Cpu;
        result["floor_publish_vs_baseline"] = Math.Round(floor.Rate / baseline, 2);
        result["ingress_only_vs_floor_publish"] = Math.Round(ingressOnly / floor.Rate, 2);

        // The same ratios from CPU per event (all processes): what a saturated 2-core machine would give, and steadier
        // than rates under other load.
        result["floor_publish_cpu_ratio"] = Math.Round(baselinePerEvent.Total / floor.Cpu.Total, 2);
        result["ingress_only_cpu_ratio"] = Math.Round(baselinePerEvent.Total / ingressPerEvent.Total, 2);
    }

    if (topologyBaseline is { } topology)
    {
        result["baseline_broker_topology"] = "the same raw publish through a durable headers exchange bound on a Trigger header, with the broker's headers";
        result["baseline_broker_topology_events_per_s"] = Math.Round(topology);
        result["baseline_broker_topology_cpu_us_per_event"] = topologyPerEvent!;
        result["ingress_only_vs_baseline_broker_topology"] = Math.Round(ingressOnly / topology, 2);
    }

    Directory.CreateDirectory(Path.GetDirectoryName(args_.Out)!);
    await File.WriteAllTextAsync(args_.Out, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
    Console.WriteLine($"""
        | backend | ingress-only events/s (durable 202) | baseline events/s | ratio | batch ({args_.Batch}/request) ingress-only events/s | batch ratio | baseline at {batchInFlight} in flight | batch ratio to it | HTTP-only events/s (no store) | ratio to HTTP-only | end-to-end ingress events/s | delivery events/s (end to end) | p50 end-to-end ms | p99 end-to-end ms | load avg |
        |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
        | {args_.Backend} | {ingressOnly} | {result["baseline_events_per_s"]} | {result["ingress_only_vs_baseline"]} | {batchOnly} | {result["batch_ingress_only_vs_baseline"]} | {result["baseline_at_batch_in_flight_events_per_s"]} | {result["batch_ingress_only_vs_baseline_at_batch_in_flight"]} | {httpOnly} | {result["ingress_only_vs_http_only"]} | {result["ingress_events_per_s"]} | {result["delivery_events_per_s"]} | {result["p50_end_to_end_ms"]} | {result["p99_end_to_end_ms"]} | {result["load_average_1m"]} |
        """);
    if (floorPublish is { } floorRow)
    {
        Console.WriteLine($"""

            | floor: bare Kestrel + raw publish, events/s | vs raw | CPU ratio to raw | broker's CPU ratio to raw | bare Kestrel (202 at once) events/s |
            |---:|---:|---:|---:|---:|
            | {Math.Round(floorRow.Rate)} | {result["floor_publish_vs_baseline"]} | {result["floor_publish_cpu_ratio"]} | {result["ingress_only_cpu_ratio"]} | {Math.Round(floorHttp!.Value.Rate)} |
            """);
    }

    return 0;
}
finally
{
    if (!platform.HasExited)
    {
        platform.Kill(entireProcessTree: true);
        await platform.WaitForExitAsync();
    }

    held.TrySetResult();
    await sink.DisposeAsync();
    if (rabbitMq is not null)
    {
        await rabbitMq.DisposeAsync();
    }

    try
    {
        Directory.Delete(home, recursive: true);
    }
    catch (IOException)
    {
    }
}

// After a warm-up, before a timed phase: the background tier-1 compiles (and the GC) of the warm-up still run for a
// while, longer on a loaded machine (a profile under load average 30 found the JIT in a quarter of the platform's
// samples of a timed phase after a fixed 2 s pause). Waits at least 2 s, then until the harness and the server use
// less than a tenth of a core over half a second; at most 20 s, then says so and goes on.
static async Task SettleAsync(CpuMeter meter)
{
    await Task.Delay(TimeSpan.FromSeconds(2));
    var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 18;
    while (true)
    {
        var first = meter.Sample();
        await Task.Delay(500);
        var second = meter.Sample();
        var used = second.Harness - first.Harness + second.Platform - first.Platform;
        if (used < 0.05)
        {
            return;
        }

        if (Stopwatch.GetTimestamp() > deadline)
        {
            Console.Error.WriteLine($"settle: still {Math.Round(used * 2, 2)} cores busy after 20 s; timing anyway");
            return;
        }
    }
}

static double Sample(string text, string name) =>
    text.Split('\n').Where(l => l.StartsWith(name + " ", StringComparison.Ordinal))
        .Select(l => double.Parse(l[(name.Length + 1)..], CultureInfo.InvariantCulture)).FirstOrDefault();

// The machine may be shared: the load average says how much the figures can be trusted.
static double LoadAverage() => File.Exists("/proc/loadavg")
    ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture)
    : -1;

static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

static async Task Publish(HttpClient ingress, IReadOnlyList<string> ids, int concurrency, ConcurrentDictionary<string, long> published, string type = "bench.in")
{
    await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (id, ct) =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/brokers/default/default")
        {
            Content = new StringContent("{\"n\":1}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("ce-specversion", "1.0");
        request.Headers.Add("ce-id", id);
        request.Headers.Add("ce-source", "/bench");
        request.Headers.Add("ce-type", type);
        published[id] = Stopwatch.GetTimestamp();
        using var response = await ingress.SendAsync(request, ct);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"publish {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
    });
}

static async Task PublishBatches(HttpClient ingress, IReadOnlyList<string> ids, int batch, int concurrency)
{
    var batches = ids.Chunk(batch).ToList();
    await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (chunk, ct) =>
    {
        var body = new StringBuilder("[");
        foreach (var id in chunk)
        {
            body.Append(body.Length > 1 ? "," : "")
                .Append("{\"specversion\":\"1.0\",\"id\":\"").Append(id)
                .Append("\",\"source\":\"/bench\",\"type\":\"bench.ingress\",\"datacontenttype\":\"application/json\",\"data\":{\"n\":1}}");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/brokers/default/default")
        {
            Content = new StringContent(body.Append(']').ToString(), Encoding.UTF8, "application/cloudevents-batch+json"),
        };
        using var response = await ingress.SendAsync(request, ct);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"publish batch {chunk[0]}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
    });
}

static async Task Create(HttpClient admin, string path, string json)
{
    using var response = await admin.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
    if (response.StatusCode != HttpStatusCode.Created)
    {
        throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}

static async Task WaitAsync(HttpClient admin, string path, string contains, TimeSpan timeout)
{
    var deadline = DateTime.UtcNow + timeout;
    var last = "";
    while (DateTime.UtcNow < deadline)
    {
        last = await admin.GetStringAsync(path);
        if (last.Contains(contains, StringComparison.Ordinal))
        {
            return;
        }

        await Task.Delay(200);
    }

    throw new TimeoutException($"{path}: no {contains} within {timeout}: {last}");
}

static async Task WaitForAsync(Func<bool> done, TimeSpan timeout)
{
    var deadline = DateTime.UtcNow + timeout;
    while (!done())
    {
        if (DateTime.UtcNow > deadline)
        {
            throw new TimeoutException($"not done within {timeout}");
        }

        await Task.Delay(20);
    }
}

internal sealed record Args(string Root, string Out, int Events, int Concurrency, bool Quick, string Backend, int IngressEvents, int Batch, IReadOnlyList<(string Name, string Value)> PlatformEnvironment, bool IngressOnly)
{
    public static Args Parse(string[] args)
    {
        string root = Directory.GetCurrentDirectory();
        string? output = null;
        int? events = null;
        var concurrency = 32;
        var batch = 10;
        var quick = false;
        var ingressOnly = false;
        var backend = "sqlite";
        var platformEnvironment = new List<(string, string)>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--root": root = args[++i]; break;
                case "--out": output = args[++i]; break;
                case "--events": events = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--concurrency": concurrency = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--quick": quick = true; break;
                case "--ingress-only": ingressOnly = true; break;
                case "--batch": batch = int.Parse(args[++i], CultureInfo.InvariantCulture) is > 0 and var b ? b : throw new ArgumentException("--batch: a positive number of events a request"); break;
                case "--platform-env":
                    var setting = args[++i].Split('=', 2);
                    platformEnvironment.Add(setting.Length == 2 && setting[0].Length > 0 ? (setting[0], setting[1]) : throw new ArgumentException("--platform-env NAME=VALUE"));
                    break;
                case "--backend": backend = args[++i] is "sqlite" or "rabbitmq" ? args[i] : throw new ArgumentException("--backend: sqlite or rabbitmq"); break;
                default: throw new ArgumentException($"unknown argument {args[i]} (expected --quick, --ingress-only, --events N, --concurrency N, --batch N, --backend sqlite|rabbitmq, --platform-env NAME=VALUE)");
            }
        }

        var count = events ?? (quick ? 2000 : 20000);
        output ??= Path.Combine(root, "bench", "results", backend == "rabbitmq" ? "events-rabbitmq.json" : "events.json");

        return new Args(root, output, count, concurrency, quick, backend, count, batch, platformEnvironment, ingressOnly);
    }
}
