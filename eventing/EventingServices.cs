using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Prometheus;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Eventing.Delivery;
using Serverless.Eventing.Ingress;
using Serverless.Eventing.Metrics;
using Serverless.Eventing.RabbitMq;
using Serverless.Eventing.Reconcilers;
using Serverless.Eventing.Routing;
using Serverless.Eventing.Storage;
using Serverless.Hosting.Informers;

namespace Serverless.Eventing;

/// <summary>
/// The broker, composed: the event store, Trigger and Broker informers and the catalog over them, the ingestor, the
/// ingress handler, the dispatcher and the status reconciler. The one public entry point of eventing: a host hands it
/// the resource stores and gets a request handler to mount and a loop to run.
/// </summary>
/// <remarks>
/// Subscribers and reply events are reached through the function ingress: the host binds it first and passes its URL.
/// </remarks>
public sealed class EventingServices : IDisposable
{
    private readonly SqliteEventStore? _store;
    private readonly HttpEventSender _sender;
    private readonly ResourceInformer<Trigger> _triggers;
    private readonly ResourceInformer<Broker> _brokers;
    private readonly BrokerIngressHandler _ingress;
    private readonly DeliveryDispatcher? _dispatcher;
    private readonly EventingStatusReconciler _reconciler;
    private readonly RabbitMqConnection? _rabbitMq;
    private readonly RabbitMqDispatcher? _rabbitMqDispatcher;

    private EventingServices(
        SqliteEventStore? store,
        HttpEventSender sender,
        ResourceInformer<Trigger> triggers,
        ResourceInformer<Broker> brokers,
        BrokerIngressHandler ingress,
        DeliveryDispatcher? dispatcher,
        EventingStatusReconciler reconciler,
        RabbitMqConnection? rabbitMq,
        RabbitMqDispatcher? rabbitMqDispatcher)
    {
        _rabbitMq = rabbitMq;
        _rabbitMqDispatcher = rabbitMqDispatcher;
        _store = store;
        _sender = sender;
        _triggers = triggers;
        _brokers = brokers;
        _ingress = ingress;
        _dispatcher = dispatcher;
        _reconciler = reconciler;
    }

    /// <summary>Opens (creating when missing) the event store at <paramref name="databasePath"/> and builds the broker on it.</summary>
    /// <param name="ingressUrl">The function ingress's base URL (bound before the broker is built).</param>
    /// <exception cref="Microsoft.Data.Sqlite.SqliteException">The store's file is not a database, or SQLite failed on it.</exception>
    /// <exception cref="InvalidOperationException">SQLite refused WAL journaling, or the file has a newer schema.</exception>
    /// <exception cref="IOException">The store's directory or file cannot be created.</exception>
    /// <exception cref="UnauthorizedAccessException">The store's directory or file cannot be created.</exception>
    public static EventingServices Open(
        string databasePath,
        BrokerOptions options,
        IResourceStore<Trigger> triggerStore,
        IResourceStore<Broker> brokerStore,
        ResourceInformer<Function> functions,
        string ingressUrl,
        CollectorRegistry registry,
        TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var metrics = new BrokerMetrics(registry);
        var store = SqliteEventStore.Open(databasePath, metrics.ObserveCommit, time);
        try
        {
            return Compose(
                store, options, BrokerClassAvailability.Local(options.RabbitMqUrl is not null), triggerStore, brokerStore, functions,
                EventingEndpoints.SharedIngress(ingressUrl), metrics, time, loggerFactory);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Kubernetes' broker role: no local store, every Broker of class <c>rabbitmq</c> on the server at
    /// <see cref="BrokerOptions.RabbitMqUrl"/>; without one, every Broker is Ready=False saying what to configure and
    /// the ingress answers 503. Serves <c>POST /{namespace}/{broker}</c> (<see cref="EventingEndpoints.BrokerOnly"/>).
    /// </summary>
    public static EventingServices OpenBrokerRole(
        BrokerOptions options,
        IResourceStore<Trigger> triggerStore,
        IResourceStore<Broker> brokerStore,
        ResourceInformer<Function> functions,
        EventingEndpoints endpoints,
        CollectorRegistry registry,
        TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var cluster = new BrokerOptions
        {
            MaxEventSize = options.MaxEventSize,
            Delivery = options.Delivery,
            MaxInFlight = options.MaxInFlight,
            RetryAfterMax = options.RetryAfterMax,
            PollInterval = options.PollInterval,
            DefaultClass = BrokerClasses.RabbitMq,
            RabbitMqUrl = options.RabbitMqUrl,
        };
        return Compose(
            null, cluster, BrokerClassAvailability.Cluster(options.RabbitMqUrl is not null), triggerStore, brokerStore, functions,
            endpoints, new BrokerMetrics(registry), time, loggerFactory);
    }

    private static EventingServices Compose(
        SqliteEventStore? store,
        BrokerOptions options,
        BrokerClassAvailability availability,
        IResourceStore<Trigger> triggerStore,
        IResourceStore<Broker> brokerStore,
        ResourceInformer<Function> functions,
        EventingEndpoints endpoints,
        BrokerMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        var triggers = new ResourceInformer<Trigger>(triggerStore, null, time, loggerFactory.CreateLogger<ResourceInformer<Trigger>>());
        var brokers = new ResourceInformer<Broker>(brokerStore, null, time, loggerFactory.CreateLogger<ResourceInformer<Broker>>());
        var catalog = new TriggerCatalog(triggers, brokers, endpoints.FunctionsUrl, options.Delivery, options.DefaultClass);
        var sqliteSink = store is null ? null : new SqliteBrokerSink(store, time);
        var sinks = new Dictionary<string, IBrokerSink>(StringComparer.Ordinal);
        if (sqliteSink is not null)
        {
            sinks[BrokerClasses.Sqlite] = sqliteSink;
        }

        var rabbitMq = options.RabbitMqUrl is { } url ? new RabbitMqConnection(url, loggerFactory.CreateLogger<RabbitMqConnection>()) : null;
        if (rabbitMq is not null)
        {
            sinks[BrokerClasses.RabbitMq] = new RabbitMqBrokerSink(rabbitMq, time);
        }

        var ingestor = new BrokerIngestor(sinks, catalog, metrics, availability);
        var sender = new HttpEventSender(time);
        var attempt = new DeliveryAttempt(sender, ingestor, options, metrics, time, loggerFactory.CreateLogger<DeliveryAttempt>());
        var dispatcher = store is null ? null : new DeliveryDispatcher(store, catalog, attempt, options, metrics, time, loggerFactory.CreateLogger<DeliveryDispatcher>());
        if (sqliteSink is not null && dispatcher is not null)
        {
            sqliteSink.Stored += dispatcher.Wake;
        }

        var rabbitMqDispatcher = rabbitMq is null
            ? null
            : new RabbitMqDispatcher(rabbitMq, catalog, attempt, options, metrics, time, loggerFactory.CreateLogger<RabbitMqDispatcher>());
        var reconciler = new EventingStatusReconciler(
            triggers, brokers, functions, triggerStore, brokerStore, endpoints, options, availability, time, loggerFactory.CreateLogger<EventingStatusReconciler>());
        var ingress = new BrokerIngressHandler(ingestor, catalog, options, metrics, loggerFactory.CreateLogger<BrokerIngressHandler>(), endpoints.BrokerPathPrefix);
        return new EventingServices(store, sender, triggers, brokers, ingress, dispatcher, reconciler, rabbitMq, rabbitMqDispatcher);
    }

    /// <summary>The broker's part of the ingress: <c>/brokers/…</c> here, everything else to <paramref name="next"/>.</summary>
    public RequestDelegate Route(RequestDelegate next) =>
        context => BrokerIngressHandler.Handles(context.Request.Path) ? _ingress.HandleAsync(context) : next(context);

    /// <summary>A broker-only server's handler (<see cref="OpenBrokerRole"/>): every request is for a broker.</summary>
    public Task HandleAsync(HttpContext context) => _ingress.HandleAsync(context);

    /// <summary>Whether the Trigger and Broker caches follow the API server (or the local store).</summary>
    public bool IsHealthy => _triggers.IsHealthy && _brokers.IsHealthy;

    /// <summary>The broker's loops, for the host to run until it stops: the informers, the dispatcher and the status reconciler.</summary>
    public IReadOnlyList<(string Name, Func<CancellationToken, Task> Run)> Loops =>
    [
        ("trigger-informer", _triggers.RunAsync),
        ("broker-informer", _brokers.RunAsync),
        .. _dispatcher is { } dispatcher ? [("delivery-dispatcher", (Func<CancellationToken, Task>)dispatcher.RunAsync)] : Array.Empty<(string, Func<CancellationToken, Task>)>(),
        ("eventing-status", _reconciler.RunAsync),
        .. _rabbitMqDispatcher is { } rabbit ? [("rabbitmq-dispatcher", (Func<CancellationToken, Task>)rabbit.RunAsync)] : Array.Empty<(string, Func<CancellationToken, Task>)>(),
    ];

    /// <summary>Closes the sender and the store; call once the <see cref="Loops"/> have ended.</summary>
    public void Dispose()
    {
        _sender.Dispose();
        _store?.Dispose();
        _rabbitMq?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
