// Allocations per request on the activator's hot path, in one process: the same client sends N sequential
// requests (one keep-alive connection) to (a) a Kestrel "instance" directly, (b) a bare YARP forwarder in front of
// it and (c) the activator (FunctionProxy) in front of it. GC.GetTotalAllocatedBytes(precise) counts every thread,
// so (b) - (a) is what YARP costs and (c) - (b) what our logic costs on top.
// Usage: AllocProbe [requests=20000]
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

var requests = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 20000;
var key = new FunctionKey("default", "hello");

await using var instance = await LoopbackApp.StartAsync(app => app.Run(c => c.Response.WriteAsync("Hello, world!")));
var instanceUrl = LoopbackApp.AddressOf(instance).GetLeftPart(UriPartial.Authority);

using var client = new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = DecompressionMethods.None });
await using var yarp = await LoopbackApp.StartAsync(app =>
{
    var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
    app.Run(async c => await forwarder.SendAsync(c, instanceUrl, client));
}, services => services.AddHttpForwarder());

var function = new Function
{
    Metadata = new() { NamespaceProperty = "default", Name = "hello", ResourceVersion = "1" },
    Spec = new FunctionSpec { TimeoutSeconds = 300, Scale = new ScaleSpec { ContainerConcurrency = 0 } },
};
var informer = new ResourceInformer<Function>(new InMemoryFunctionStore(function), null, TimeProvider.System, NullLogger.Instance);
using var stop = new CancellationTokenSource();
var informerRun = informer.RunAsync(stop.Token);
await informer.WaitForSyncAsync(CancellationToken.None);
var endpoints = new MapEndpointSource(new Dictionary<FunctionKey, InstanceEndpoint> { [key] = new InstanceEndpoint("i1", "127.0.0.1", new Uri(instanceUrl).Port, 0) });
var activatorOptions = new ActivatorOptions();
var metrics = new ActivatorMetrics(Prometheus.Metrics.NewCustomRegistry());
using var functions = new FunctionRegistry(informer, endpoints, activatorOptions, metrics, TimeProvider.System);
FunctionProxy? proxy = null;
await using var activator = await LoopbackApp.StartAsync(app =>
{
    proxy = new FunctionProxy(functions, new NoScaler(), app.Services.GetRequiredService<IHttpForwarder>(), activatorOptions, metrics, NullLogger<FunctionProxy>.Instance);
    app.Run(proxy.InvokeAsync);
}, services => services.AddHttpForwarder());

using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 1 });
var targets = new (string Name, string Url)[]
{
    ("direct", instanceUrl + "/"),
    ("bare YARP", LoopbackApp.AddressOf(yarp).ToString()),
    ("activator", new Uri(LoopbackApp.AddressOf(activator), "/default/hello/").ToString()),
};
var perRequest = new Dictionary<string, double>();
foreach (var (name, url) in targets)
{
    await ProbeRequests.RunAsync(http, url, 2000); // warm-up: JIT, tiering, pools
    GC.Collect();
    var before = GC.GetTotalAllocatedBytes(precise: true);
    await ProbeRequests.RunAsync(http, url, requests);
    var bytes = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)requests;
    perRequest[name] = bytes;
}

Console.WriteLine($"| path | bytes allocated per request (all threads, {requests} sequential requests) |");
Console.WriteLine("|---|---:|");
foreach (var (name, _) in targets)
{
    Console.WriteLine($"| {name} | {perRequest[name]:0} |");
}

Console.WriteLine($"| YARP's own cost (bare YARP - direct) | {perRequest["bare YARP"] - perRequest["direct"]:0} |");
Console.WriteLine($"| our logic (activator - bare YARP) | {perRequest["activator"] - perRequest["bare YARP"]:0} |");
await stop.CancelAsync();
await informerRun;
proxy?.Dispose();
return 0;
