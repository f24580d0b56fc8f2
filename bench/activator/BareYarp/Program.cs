// The bare YARP baseline for bench/activator: IHttpForwarder with one shared client and nothing of ours
// (no routing, throttling, metrics or header transforms), so the activator's own cost shows as the difference.
// Usage: BareYarp <listen-port> <destination, e.g. http://127.0.0.1:5000>
using System.Net;
using Yarp.ReverseProxy.Forwarder;

if (args.Length != 2 || !int.TryParse(args[0], out var port))
{
    Console.Error.WriteLine("usage: BareYarp <listen-port> <destination-url>");
    return 2;
}

var destination = args[1];
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
builder.Services.AddHttpForwarder();
var app = builder.Build();

var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
using var client = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
});
app.Run(async context => await forwarder.SendAsync(context, destination, client));
await app.RunAsync();
return 0;
