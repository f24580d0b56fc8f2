using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Prometheus;
using Serverless.Backends.Local.Storage;
using Serverless.Core.Api;
using Serverless.Eventing;
using Serverless.Hosting.Informers;

namespace Serverless.Platform.Eventing;

/// <summary>
/// The broker in local mode: <see cref="EventingServices"/> over the local stores, with its event store at
/// <c>{home}/events.db</c>. Its ingress handler serves <c>/brokers/…</c> on the function ingress; functions are reached
/// through the activator, so the ingress URL is known only once that server is bound: <see cref="Start"/>.
/// </summary>
internal sealed class EventingHost : IAsyncDisposable
{
    public const string DatabaseFileName = "events.db";

    private readonly EventingServices _services;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private string? _ingressUrl;

    private EventingHost(EventingServices services)
    {
        _services = services;
    }

    /// <summary>The broker's part of the ingress: <c>/brokers/…</c> here, everything else to <paramref name="next"/>.</summary>
    public RequestDelegate Route(RequestDelegate next) => _services.Route(next);

    /// <summary>Builds the broker; null after printing the problems when the <c>broker</c> configuration is invalid.</summary>
    public static EventingHost? TryCreate(
        string home,
        LocalStores stores,
        ResourceInformer<Function> functions,
        CollectorRegistry registry,
        TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        var options = PlatformConfiguration.LoadBroker(home, out var errors);
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                Console.Error.WriteLine("serverless-platform: " + error);
            }

            return null;
        }

        EventingHost? host = null;
        EventingServices services;
        try
        {
            services = EventingServices.Open(
                Path.Combine(home, DatabaseFileName),
                options,
                stores.Triggers,
                stores.Brokers,
                functions,
                () => host?._ingressUrl ?? throw new InvalidOperationException("the ingress is not started"),
                registry,
                time,
                loggerFactory);
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"serverless-platform: cannot open the event store {Path.Combine(home, DatabaseFileName)}: {e.Message}");
            return null;
        }

        host = new EventingHost(services);
        return host;
    }

    /// <summary>Starts the informers, the dispatcher and the status reconciler, now that the ingress is bound.</summary>
    public void Start(string ingressUrl)
    {
        _ingressUrl = ingressUrl;
        _loop = _services.RunAsync(_stopping.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await (_loop ?? Task.CompletedTask).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _services.Dispose();
        _stopping.Dispose();
    }
}
