using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Serverless.Hosting.Web.Servers;

namespace Serverless.Platform.Tests.Logging;

/// <summary>
/// The platform's log filters: framework warnings kept, and no per-request Activity or log scope from ASP.NET Core's
/// hosting category on the ingress (issue #15 item 7: a cost on every broker event while tracing is off).
/// </summary>
public sealed class PlatformLoggingTests
{
    public static TheoryData<string, LogLevel, bool> Levels() => new()
    {
        { PlatformLogging.HostingDiagnosticsCategory, LogLevel.Critical, false },
        { "Microsoft.AspNetCore.Server.Kestrel", LogLevel.Warning, true },
        { "Microsoft.AspNetCore.Server.Kestrel", LogLevel.Information, false },
        { "Microsoft.Hosting.Lifetime", LogLevel.Warning, true },
        { "Yarp.ReverseProxy.Forwarder.HttpForwarder", LogLevel.Information, false },
        { "Serverless.Eventing.Ingress.BrokerIngressHandler", LogLevel.Information, true },
        { "Serverless.Eventing.Ingress.BrokerIngressHandler", LogLevel.Debug, false },
    };

    [Theory]
    [MemberData(nameof(Levels))]
    public void CreateLoggerFactory_Category_EnabledAsConfigured(string category, LogLevel level, bool enabled)
    {
        using var factory = PlatformLogging.CreateLoggerFactory();

        Assert.Equal(enabled, factory.CreateLogger(category).IsEnabled(level));
    }

    [Fact]
    public async Task LeanServer_WithThePlatformsLogging_StartsNoActivityPerRequest()
    {
        using var factory = PlatformLogging.CreateLoggerFactory();
        using var listener = BoundListener.Bind(new IPEndPoint(IPAddress.Loopback, 0), "--ingress");
        var builder = LeanServer.CreateBuilder(listener, maxRequestBodySize: null, factory);
        await using var app = builder.Build();
        var seen = new ConcurrentQueue<string?>();
        app.Run(context =>
        {
            seen.Enqueue(Activity.Current?.OperationName);
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return Task.CompletedTask;
        });
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(listener.Url), Timeout = TimeSpan.FromSeconds(30) };

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync("/brokers/default/default", new StringContent("{}"));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        await app.StopAsync();
        Assert.Equal([null, null, null], seen);
    }
}
