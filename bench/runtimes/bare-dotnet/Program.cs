using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

// Empty builder and Kestrel core, as the runtime itself uses: the baseline is the least ASP.NET Core can do.
var port = int.Parse(Environment.GetEnvironmentVariable("PORT") ?? "8080", CultureInfo.InvariantCulture);
var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = args });
builder.WebHost.UseKestrelCore();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
var app = builder.Build();
app.Run(context => context.Response.WriteAsync("Hello, world!"));
await app.RunAsync();
