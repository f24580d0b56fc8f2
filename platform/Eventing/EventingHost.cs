using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Prometheus;
using Serverless.Backends.Local.Storage;
using Serverless.Core.Api;
using Serverless.Hosting.Informers;
using Serverless.Eventing;
using Serverless.Eventing.Delivery;
using Serverless.Eventing.Ingress;
using Serverless.Eventing.Metrics;
using Serverless.Eventing.Reconcilers;
using Serverless.Eventing.Routing;
using Serverless.Eventing.Storage;

namespace Serverless.Platform.Eventing;

/// <summary>
/// The broker in local mode: the event store (<c>{home}/events.db</c>), Trigger and Broker informers, the ingress
/// handler the function ingress calls for <c>/brokers/…</c>, the dispatcher and the status reconciler. Functions are
/// reached through the activator, so the ingress URL is known only once that server is bound: <see cref="Start"/>.
/// </summary>
internal sealed class EventingHost : IAsyncDisposable
{
    public const string DatabaseFileName = "events.db";

    private readonly SqliteEventStore _store;
    private readonly HttpEventSender _sender;
    private readonly ResourceInformer<Trigger> _triggers;
    private readonly ResourceInformer<Broker> _brokers;
    private readonly DeliveryDispatcher _dispatcher;
    private readonly EventingStatusReconciler _reconciler;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private string? _ingressUrl;

    private EventingHost(
        SqliteEventStore store,
        HttpEventSender sender,
        ResourceInformer<Trigger> triggers,
        ResourceInformer<Broker> brokers,
        BrokerIngressHandler ingress,
        DeliveryDispatcher dispatcher,
        EventingStatusReconciler reconciler)
    {
        _store = store;
        _sender = sender;
        _triggers = triggers;
        _brokers = brokers;
        Ingress = ingress;
        _dispatcher = dispatcher;
        _reconciler = reconciler;
    }

    public BrokerIngressHandler Ingress { get; }

    /// <summary>The broker's part of the ingress: <c>/brokers/…</c> here, everything else to <paramref name="next"/>.</summary>
    public RequestDelegate Route(RequestDelegate next) =>
        context => BrokerIngressHandler.Handles(context.Request.Path) ? Ingress.HandleAsync(context) : next(context);

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

        var metrics = new BrokerMetrics(registry);
        SqliteEventStore store;
        try
        {
            store = SqliteEventStore.Open(Path.Combine(home, DatabaseFileName), metrics.ObserveCommit);
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"serverless-platform: cannot open the event store {Path.Combine(home, DatabaseFileName)}: {e.Message}");
            return null;
        }

        var triggers = new ResourceInformer<Trigger>(stores.Triggers, null, time, loggerFactory.CreateLogger<ResourceInformer<Trigger>>());
        var brokers = new ResourceInformer<Broker>(stores.Brokers, null, time, loggerFactory.CreateLogger<ResourceInformer<Broker>>());
        EventingHost? host = null;
        var catalog = new TriggerCatalog(triggers, brokers, () => host?._ingressUrl ?? throw new InvalidOperationException("the ingress is not started"), options.Delivery);
        var ingestor = new BrokerIngestor(store, catalog, metrics, time);
        var sender = new HttpEventSender(time);
        var dispatcher = new DeliveryDispatcher(store, catalog, sender, ingestor, options, metrics, time, loggerFactory.CreateLogger<DeliveryDispatcher>());
        var reconciler = new EventingStatusReconciler(
            triggers, brokers, functions, stores.Triggers, stores.Brokers, () => host!._ingressUrl!, time, loggerFactory.CreateLogger<EventingStatusReconciler>());
        var handler = new BrokerIngressHandler(ingestor, catalog, options, metrics, loggerFactory.CreateLogger<BrokerIngressHandler>());
        host = new EventingHost(store, sender, triggers, brokers, handler, dispatcher, reconciler);
        return host;
    }

    /// <summary>Starts the informers, the dispatcher and the status reconciler, now that the ingress is bound.</summary>
    public void Start(string ingressUrl)
    {
        _ingressUrl = ingressUrl;
        var token = _stopping.Token;
        _loops.Add(_triggers.RunAsync(token));
        _loops.Add(_brokers.RunAsync(token));
        _loops.Add(_dispatcher.RunAsync(token));
        _loops.Add(_reconciler.RunAsync(token));
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _sender.Dispose();
        _store.Dispose();
        _stopping.Dispose();
    }
}
