// What a two-way traffic split costs the activator itself (issue #17 item 8), in one process so that nothing else on
// the machine decides: the activator (FunctionProxy, FunctionRegistry, throttlers) in front of in-process Kestrel
// "instances", for
//   single      one revision, one instance (A);
//   split-same  a 90/10 split whose two revisions' workloads both point at instance A: the split's own logic (the
//               pick, a second throttler and route, the second workload's lookup), nothing else differs from single;
//   split-two   a 90/10 split, the second revision on its own instance B: adds a second connection pool and a
//               second server, as the real split does (there, B is also a second process).
// Per target: wall and process CPU time per request and bytes allocated per request, over sequential requests on
// one keep-alive connection, and the rate with C requests in flight. Target order rotates per round; medians.
// Usage: SplitProbe [requests=20000] [rounds=3] [concurrency=32]
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Activator.Configuration;
using Serverless.Activator.Forwarding;
using Serverless.Activator.Functions;
using Serverless.Activator.Metrics;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;
using Serverless.TestSupport;
using Yarp.ReverseProxy.Forwarder;

var requests = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20000;
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
var concurrency = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 32;

await using var instanceA = await LoopbackApp.StartAsync(app => app.Run(c => c.Response.WriteAsync("Hello, world!")));
await using var instanceB = await LoopbackApp.StartAsync(app => app.Run(c => c.Response.WriteAsync("Hello, world!")));
var portA = LoopbackApp.AddressOf(instanceA).Port;
var portB = LoopbackApp.AddressOf(instanceB).Port;

static Function Fn(string name, params (string Revision, int Percent)[] traffic) => new()
{
    Metadata = new() { NamespaceProperty = "default", Name = name, ResourceVersion = "1" },
    Spec = new FunctionSpec { TimeoutSeconds = 300, Scale = new ScaleSpec { ContainerConcurrency = 0 } },
    Status = traffic.Length == 0 ? null : new FunctionStatus { Traffic = traffic.Select(t => new TrafficTarget { RevisionName = t.Revision, Percent = t.Percent }).ToList() },
};

var functions = new[]
{
    Fn("single"),
    Fn("same", ("same-00001", 90), ("same-00002", 10)),
    Fn("two", ("two-00001", 90), ("two-00002", 10)),
};

// Every revision of a split runs as a workload keyed by its revision name (issue #17); a Function without traffic in
// its status is routed to its own key.
var endpoints = new MapEndpointSource(new Dictionary<FunctionKey, InstanceEndpoint>
{
    [new("default", "single")] = new("a1", "127.0.0.1", portA, 0),
    [new("default", "same-00001")] = new("a2", "127.0.0.1", portA, 0),
    [new("default", "same-00002")] = new("a3", "127.0.0.1", portA, 0),
    [new("default", "two-00001")] = new("a4", "127.0.0.1", portA, 0),
    [new("default", "two-00002")] = new("b1", "127.0.0.1", portB, 0),
});

var informer = new ResourceInformer<Function>(new InMemoryFunctionStore(functions), null, TimeProvider.System, NullLogger.Instance);
using var stop = new CancellationTokenSource();
var informerRun = informer.RunAsync(stop.Token);
await informer.WaitForSyncAsync(CancellationToken.None);
var activatorOptions = new ActivatorOptions();
var metrics = new ActivatorMetrics(Prometheus.Metrics.NewCustomRegistry());
using var registry = new FunctionRegistry(informer, endpoints, activatorOptions, metrics, TimeProvider.System);
FunctionProxy? proxy = null;
await using var activator = await LoopbackApp.StartAsync(app =>
{
    proxy = new FunctionProxy(registry, new NoScaler(), app.Services.GetRequiredService<IHttpForwarder>(), activatorOptions, metrics, NullLogger<FunctionProxy>.Instance);
    app.Run(proxy.InvokeAsync);
}, services => services.AddHttpForwarder());

var baseUrl = LoopbackApp.AddressOf(activator).GetLeftPart(UriPartial.Authority);
var targets = new (string Name, string Url)[]
{
    ("single", baseUrl + "/default/single/"),
    ("split-same", baseUrl + "/default/same/"),
    ("split-two", baseUrl + "/default/two/"),
};

using var parallel = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = concurrency });
foreach (var (_, url) in targets)
{
    // Warm-up: JIT tiering, connection pools, both revisions' throttlers.
    using (var warm = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 1 }))
    {
        await ProbeRequests.RunAsync(warm, url, 5000);
    }

    await ProbeRequests.RunParallelAsync(parallel, url, 5000, concurrency);
}

await Task.Delay(TimeSpan.FromSeconds(2)); // background tier-1 compiles

// Sequential, interleaved request by request (single, split-same, split-two, single, …) so that whatever else the
// machine does in a moment falls on every target alike: the median and mean wall time of a request per target.
var latencies = targets.ToDictionary(t => t.Name, _ => new List<double>(requests));
var clients = targets.ToDictionary(t => t.Name, _ => new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 1 }));
for (var i = 0; i < requests; i++)
{
    foreach (var (name, url) in targets)
    {
        var t0 = Stopwatch.GetTimestamp();
        using var response = await clients[name].GetAsync(url);
        await response.Content.CopyToAsync(Stream.Null);
        latencies[name].Add(Stopwatch.GetElapsedTime(t0).TotalMicroseconds);
    }
}

// Allocations and process CPU per request, one target at a time (GC counters are process-wide).
var perTarget = targets.ToDictionary(t => t.Name, _ => new List<(double CpuUs, double Bytes, double Rps)>());
for (var round = 0; round < rounds; round++)
{
    var order = targets.Skip(round % targets.Length).Concat(targets.Take(round % targets.Length));
    foreach (var (name, url) in order)
    {
        GC.Collect();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var bytes0 = GC.GetTotalAllocatedBytes(precise: true);
        await ProbeRequests.RunAsync(clients[name], url, requests / 4);
        var bytes = (GC.GetTotalAllocatedBytes(precise: true) - bytes0) / (requests / 4.0);
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMicroseconds / (requests / 4.0);

        // The rate with C in flight, in short slices rotated between targets (median over the rounds).
        var t1 = Stopwatch.GetTimestamp();
        await ProbeRequests.RunParallelAsync(parallel, url, requests / 4, concurrency);
        var rps = requests / 4.0 / Stopwatch.GetElapsedTime(t1).TotalSeconds;
        perTarget[name].Add((cpu, bytes, rps));
    }
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

var singleRps = Median(perTarget["single"].Select(x => x.Rps));
var singleWall = latencies["single"].Average();
Console.WriteLine($"load: {File.ReadAllText("/proc/loadavg").Trim()}; {requests} interleaved sequential requests per target; {rounds} rounds of {requests / 4} for CPU, bytes and RPS");
Console.WriteLine($"| target | wall µs/request, 1 conn (median / mean) | mean vs single | CPU µs/request, 1 conn (whole process) | bytes/request | RPS ({concurrency} in flight) | RPS vs single |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
foreach (var (name, _) in targets)
{
    var r = perTarget[name];
    var rps = Median(r.Select(x => x.Rps));
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"| {name} | {Median(latencies[name]):0.0} / {latencies[name].Average():0.0} | {latencies[name].Average() / singleWall:0.00} | {Median(r.Select(x => x.CpuUs)):0.0} | {Median(r.Select(x => x.Bytes)):0} | {rps:0} | {rps / singleRps:0.00} |"));
}

foreach (var client in clients.Values)
{
    client.Dispose();
}

await stop.CancelAsync();
await informerRun;
proxy?.Dispose();
return 0;
