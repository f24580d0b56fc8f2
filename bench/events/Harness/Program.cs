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
var args_ = Args.Parse(args);
var layout = Environment.GetEnvironmentVariable("SERVERLESS_OUT") ?? Path.Combine(args_.Root, ".out");
var home = Directory.CreateTempSubdirectory("bench-events-").FullName;

// The function runs from the build layout, which the platform allows only when listed (local.source-roots).
File.WriteAllText(Path.Combine(home, "config.json"), new JsonObject { ["local"] = new JsonObject { ["source-roots"] = new JsonArray(layout) } }.ToJsonString());
var sinkArrivals = new ConcurrentDictionary<string, long>();

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
var sink = builder.Build();
sink.Run(context =>
{
    var id = context.Request.Headers["ce-id"].ToString();
    sinkArrivals.TryAdd(id, Stopwatch.GetTimestamp());
    context.Response.StatusCode = 202;
    return Task.CompletedTask;
});
await sink.StartAsync();
var sinkUrl = sink.Urls.First().TrimEnd('/');

var platform = Process.Start(new ProcessStartInfo("dotnet")
{
    ArgumentList = { Path.Combine(layout, "platform", "Serverless.Platform.dll"), "--home", home, "--ingress", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--admin-plain-http" }, // the harness measures, on loopback: plain HTTP, explicitly
    RedirectStandardOutput = true,
    RedirectStandardError = true,
}) ?? throw new InvalidOperationException("cannot start the platform");
platform.OutputDataReceived += (_, _) => { };
platform.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("platform: " + e.Data); } };
platform.BeginOutputReadLine();
platform.BeginErrorReadLine();
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
    await WaitAsync(admin, api + "functions/bench-reply", "\"readyReplicas\":1", TimeSpan.FromSeconds(60));
    await WaitAsync(admin, api + "triggers/bench-out", "\"status\":\"True\"", TimeSpan.FromSeconds(30));
    await WaitAsync(admin, api + "triggers/bench-in", "\"status\":\"True\"", TimeSpan.FromSeconds(30));

    using var ingress = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = args_.Concurrency }) { BaseAddress = new Uri(ingressUrl) };
    // Warm-up: a few events through the whole path, so JIT and connection setup are not measured.
    await Publish(ingress, Enumerable.Range(0, 50).Select(i => "warm-" + i).ToList(), args_.Concurrency, []);
    await WaitForAsync(() => Enumerable.Range(0, 50).All(i => sinkArrivals.ContainsKey("reply-warm-" + i)), TimeSpan.FromSeconds(60));

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
    var writes = Sample(metrics, "serverless_broker_commit_batch_size_sum");
    var result = new Dictionary<string, object>
    {
        ["benchmark"] = "events",
        ["quick"] = args_.Quick,
        ["events"] = args_.Events,
        ["concurrency"] = args_.Concurrency,
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
    Directory.CreateDirectory(Path.GetDirectoryName(args_.Out)!);
    await File.WriteAllTextAsync(args_.Out, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
    Console.WriteLine($"""
        | events | concurrency | ingress events/s (durable 202) | delivery events/s (end to end) | p50 end-to-end ms | p99 end-to-end ms | writes per commit | load avg |
        |---:|---:|---:|---:|---:|---:|---:|---:|
        | {args_.Events} | {args_.Concurrency} | {result["ingress_events_per_s"]} | {result["delivery_events_per_s"]} | {result["p50_end_to_end_ms"]} | {result["p99_end_to_end_ms"]} | {result["mean_writes_per_commit"]} | {result["load_average_1m"]} |
        """);
    return 0;
}
finally
{
    if (!platform.HasExited)
    {
        platform.Kill(entireProcessTree: true);
        await platform.WaitForExitAsync();
    }

    await sink.DisposeAsync();
    try
    {
        Directory.Delete(home, recursive: true);
    }
    catch (IOException)
    {
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

static async Task Publish(HttpClient ingress, IReadOnlyList<string> ids, int concurrency, ConcurrentDictionary<string, long> published)
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
        request.Headers.Add("ce-type", "bench.in");
        published[id] = Stopwatch.GetTimestamp();
        using var response = await ingress.SendAsync(request, ct);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"publish {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
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

internal sealed record Args(string Root, string Out, int Events, int Concurrency, bool Quick)
{
    public static Args Parse(string[] args)
    {
        string root = Directory.GetCurrentDirectory(), output = "bench/results/events.json";
        int? events = null;
        var concurrency = 32;
        var quick = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--root": root = args[++i]; break;
                case "--out": output = args[++i]; break;
                case "--events": events = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--concurrency": concurrency = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--quick": quick = true; break;
                default: throw new ArgumentException($"unknown argument {args[i]} (expected --quick, --events N, --concurrency N)");
            }
        }

        return new Args(root, output, events ?? (quick ? 2000 : 20000), concurrency, quick);
    }
}
