using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Serverless.Hosting.Web.Servers;

/// <summary>
/// A lean Kestrel server on one <see cref="BoundListener"/>: the slim builder, no Server header, the process's own
/// logger factory, and no console lifetime of its own (the composition root owns SIGTERM for every server and loop,
/// so one signal stops them in one order).
/// </summary>
public static class LeanServer
{
    /// <param name="maxRequestBodySize">Null: unlimited (the function ingress streams bodies to the instance, whose runtime enforces its limit).</param>
    /// <param name="certificate">When set, the listener serves HTTPS (HTTP/1.1 and HTTP/2 by ALPN) with it; plain HTTP otherwise.</param>
    public static WebApplicationBuilder CreateBuilder(BoundListener listener, long? maxRequestBodySize, ILoggerFactory loggerFactory, X509Certificate2? certificate = null)
    {
        ArgumentNullException.ThrowIfNull(listener);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, NoSignalLifetime>();
        var handle = listener.TakeHandle();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = maxRequestBodySize;
            kestrel.ListenHandle(handle, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        return builder;
    }

    /// <summary>A host lifetime that starts at once and listens to no signal.</summary>
    private sealed class NoSignalLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
