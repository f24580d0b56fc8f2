using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Serverless.Runtime.Dotnet.Hosting;

/// <summary>
/// Kestrel and a service provider without the generic host (issue #21): the same services a handler had from the empty
/// WebApplication builder (configuration, logging, options, <c>IHostApplicationLifetime</c>, the host environment, the
/// CloudEvent binding), one request delegate, and the graceful drain on SIGTERM that the host ran through
/// <see cref="DrainService"/>. The generic host's configuration manager, hosted-service machinery, diagnostics and
/// middleware pipeline were a fifth of the process's CPU to first response for a one-delegate server.
/// </summary>
internal sealed class FunctionServer : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly KestrelServer _server;
    private readonly ApplicationLifetime _lifetime;
    private readonly DrainService _drain;
    private readonly TimeSpan _shutdownTimeout;
    private readonly List<PosixSignalRegistration> _signals = [];
    private RequestDelegate _application = context =>
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    };

    public FunctionServer(ServiceProvider services, KestrelServerOptions kestrel, TimeSpan shutdownTimeout)
    {
        _services = services;
        _shutdownTimeout = shutdownTimeout;
        var loggers = services.GetRequiredService<ILoggerFactory>();
        _server = new KestrelServer(Options.Create(kestrel), new SocketTransportFactory(Options.Create(new SocketTransportOptions()), loggers), loggers);
        _lifetime = services.GetRequiredService<ApplicationLifetime>();
        _drain = services.GetRequiredService<DrainService>();
    }

    public IServiceProvider Services => _services;

    /// <summary>What a host would register besides the runtime's own: configuration, logging and options come from the caller.</summary>
    public static void AddHostServices(IServiceCollection services)
    {
        var environment = new FunctionEnvironment();
        services.AddSingleton<IWebHostEnvironment>(environment);
        services.AddSingleton<IHostEnvironment>(environment);
        services.AddSingleton<ApplicationLifetime>();
        services.AddSingleton<IHostApplicationLifetime>(provider => provider.GetRequiredService<ApplicationLifetime>());
        services.AddSingleton<DrainService>();
    }

    public void Run(RequestDelegate application) => _application = application;

    /// <summary>Listens; throws <see cref="IOException"/> when an address cannot be bound, as the host's start did.</summary>
    public async Task StartAsync()
    {
        // As the host's console lifetime: SIGTERM, SIGINT and SIGQUIT begin a graceful stop instead of ending the process.
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            _signals.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                _lifetime.StopApplication();
            }));
        }

        await _server.StartAsync(new FunctionHttpApplication(new DefaultHttpContextFactory(_services), _application), CancellationToken.None);
        await _drain.StartedAsync(CancellationToken.None);
        _lifetime.NotifyStarted();
    }

    /// <summary>
    /// Until a stop is asked (a signal, or <c>IHostApplicationLifetime.StopApplication</c>), then the drain and Kestrel's
    /// stop, both within the shutdown timeout, as HostOptions.ShutdownTimeout bounded them.
    /// </summary>
    public async Task WaitForShutdownAsync()
    {
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (_lifetime.ApplicationStopping.Register(() => stopping.TrySetResult()))
        {
            await stopping.Task;
        }

        using var deadline = new CancellationTokenSource(_shutdownTimeout);
        await _drain.StoppingAsync(deadline.Token);
        await _server.StopAsync(deadline.Token);
        _lifetime.NotifyStopped();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var signal in _signals)
        {
            signal.Dispose();
        }

        _server.Dispose();
        await _services.DisposeAsync();
    }
}
