using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;
using Serverless.Activator.Configuration;
using Serverless.Activator.Forwarding;
using Serverless.Activator.Functions;
using Serverless.Activator.Metrics;
using Serverless.Activator.Reporting;
using Serverless.Autoscaler.Metrics;
using Serverless.Autoscaler.Scaling;
using Serverless.Backends.Local.Processes;
using Serverless.Backends.Local.Sandbox;
using Serverless.Backends.Local.Storage;
using Serverless.Controller;
using Serverless.Controller.Metrics;
using Serverless.Controller.Reconcilers.Function;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Defaulting;
using Serverless.Core.Validation;
using Serverless.Core.Wire;
using Serverless.Eventing;
using Serverless.Hosting.Informers;
using Serverless.Hosting.Loops;
using Serverless.Hosting.Web.Servers;
using Serverless.Platform.Admin;
using Serverless.Platform.Composition;
using Serverless.Platform.Logging;
using Serverless.Platform.State;
using Serverless.Platform.Stats;
using Yarp.ReverseProxy.Forwarder;

namespace Serverless.Platform;

/// <summary>
/// The embedded local mode in one process: the SQLite store, the process backend, the controller, the autoscaler,
/// the activator (function ingress), the broker, and the admin API. On Kubernetes the same components run as separate
/// Deployments with the Kubernetes backends (<see cref="Kubernetes.KubernetesMode"/>).
/// </summary>
/// <remarks>
/// One composition shape: the settings are read (a bad one is a <see cref="ConfigurationException"/>), the two
/// listeners are bound, every object is then built with the addresses it needs, and <see cref="ProcessHost"/> runs the
/// servers and one <see cref="LoopHost"/> for every loop until SIGTERM.
/// </remarks>
internal static partial class PlatformHost
{
    /// <summary>The broker's event store in the state directory.</summary>
    public const string EventsDatabaseFileName = "events.db";

    /// <exception cref="ConfigurationException">A setting of <c>config.json</c> is invalid.</exception>
    /// <exception cref="ListenException">An address cannot be bound.</exception>
    public static async Task<int> RunAsync(PlatformOptions options)
    {
        if (StateDirectory.Create(options.Home) is { } homeProblem)
        {
            throw new ConfigurationException([homeProblem]);
        }

        using var homeLock = HomeLock.TryAcquire(options.Home);
        if (homeLock is null)
        {
            // Two platforms on one state directory would reap each other's instances and share one database.
            await Console.Error.WriteLineAsync($"serverless-platform: another platform is running with state directory {options.Home} (see {options.StateFilePath}); stop it with `func down` or use another SERVERLESS_HOME").ConfigureAwait(false);
            return 1;
        }

        var settings = PlatformConfiguration.Load(options.Home, localMode: true);
        using var tracing = PlatformTracing.Start("serverless-platform", Environment.GetEnvironmentVariable);

        // Listeners first: their addresses are every function's URL, the broker's delivery address and platform.json.
        using var ingressListener = BoundListener.Bind(options.Ingress, "--ingress");
        using var adminListener = BoundListener.Bind(options.Admin, "--admin");
        var ingressUrl = ingressListener.AdvertisedUrl;
        var adminUrl = options.AdminPlainHttp ? adminListener.AdvertisedUrl : "https" + adminListener.AdvertisedUrl["http".Length..];

        var time = TimeProvider.System;

        // Before the logger exists: the console logger keeps the writer it finds.
        var platformLog = options.LogFile is { } logFile ? PlatformLogFile.Attach(logFile, settings.Local.LogFileMaxBytes, time) : null;
        using var loggerFactory = PlatformLogging.CreateLoggerFactory();
        var logger = loggerFactory.CreateLogger("Serverless.Platform");

        // Private state, artifacts readable by the sandbox's group only, and an admin API that always needs a token.
        StateDirectory.Secure(options.Home, logger);
        var localOptions = settings.Local;
        ArtifactRoot.Prepare(options.Home, Environment.IsPrivilegedProcess ? localOptions.Sandbox.Gid : null, logger);
        var credential = AdminCredential.LoadOrCreate(options.Home, options.AdminToken, logger);
        using var adminCertificate = options.AdminPlainHttp ? null : AdminCertificates.LoadOrCreate(options.Home, options.Admin.Address, time, logger);
        if (adminCertificate is null)
        {
            LogPlainHttp(logger, adminUrl);
        }
        var registry = Metrics.NewCustomRegistry();
        await using var loops = new LoopHost(loggerFactory.CreateLogger<LoopHost>());
        if (platformLog is not null)
        {
            loops.Add("platform-log", cancellationToken => platformLog.RunAsync(logger, cancellationToken));
        }

        using var stores = LocalStores.Open(options.DatabasePath, time, loggerFactory);
        var activity = new ActivityRelay();
        localOptions.StateDirectory = options.Home;
        localOptions.RuntimesDirectory = options.RuntimesDirectory;
        localOptions.InstanceLoad = activity.InFlight;
        var droppedLines = Metrics.WithCustomRegistry(registry).CreateCounter(
            "serverless_instance_output_lines_dropped_total",
            "Lines of function instances' output lost because their log could not be written (a full disk), by function and revision",
            "function", "revision");
        localOptions.OutputLineDropped = (function, revision) => droppedLines.WithLabels(function.ToString(), revision).Inc();
        var specializations = Metrics.WithCustomRegistry(registry).CreateHistogram(
            "serverless_pool_specialization_duration_seconds",
            "Time from POST /specialize to the runtime's answer, per runtime and outcome (ok, failed)",
            new HistogramConfiguration
            {
                LabelNames = ["runtime", "outcome"],
                Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
            });
        localOptions.Specialized = (runtime, elapsed, ok) => specializations.WithLabels(runtime, ok ? "ok" : "failed").Observe(elapsed.TotalSeconds);
        localOptions.Sandbox.Enabled &= options.Sandbox;
        var sources = localOptions.SourcePolicy = new SourcePathPolicy(options.Home, localOptions.SourceRoots);
        LocalProcessBackend constructed;
        try
        {
            constructed = new LocalProcessBackend(localOptions, loggerFactory.CreateLogger<LocalProcessBackend>(), time);
        }
        catch (SandboxUnavailableException e)
        {
            // Refused, never a silent fallback to unsandboxed functions.
            await Console.Error.WriteLineAsync("serverless-platform: " + e.Message).ConfigureAwait(false);
            return 1;
        }

        await using var backend = constructed;
        var poolIdle = Metrics.WithCustomRegistry(registry).CreateGauge(
            "serverless_pool_idle", "Generic runtime instances kept warm for cold starts, idle now", "runtime");
        registry.AddBeforeCollectCallback(() =>
        {
            foreach (var (runtime, idle) in backend.PoolIdle())
            {
                poolIdle.WithLabels(runtime).Set(idle);
            }
        });
        var scaleLimits = new ScaleLimits(settings.Autoscaler.MaxScaleLimit, localOptions.MaxInstances)
        {
            AllowZeroInitialScale = settings.Autoscaler.AllowZeroInitialScale,
        };
        var functions = new ResourceInformer<Function>(stores.Functions, null, time, loggerFactory.CreateLogger<ResourceInformer<Function>>());
        var scaler = new FunctionScaler(
            functions, backend, activity, settings.Autoscaler, new AutoscalerMetrics(registry), time, loggerFactory.CreateLogger<FunctionScaler>())
        {
            RevisionWorkloads = true, // as the controller below: every revision its own workload (issue #17)
        };

        // `func top`'s figures: decorators note samples and cold starts on their way to the autoscaler.
        var samples = new LatestSamples(scaler);
        using var coldStarts = new ColdStartCounter(scaler, backend, time);
        var controllerMetrics = new ControllerMetrics(registry);
        controllerMetrics.MarkLeading(true); // one process: it always leads
        var controller = new FunctionController(
            functions,
            stores.Functions,
            backend,
            new ControllerOptions
            {
                FunctionUrl = key => $"{ingressUrl}/{key.Namespace}/{key.Name}/",
                TagUrl = (key, tag) => $"{ingressUrl}/{key.Namespace}/{key.Name}@{tag}/",
                ScaleDefaults = settings.Autoscaler.ToScaleDefaults(ScaleMetricNames.Concurrency),
                RevisionRetention = settings.Gc,
                RolloutDuration = settings.Network.RolloutDuration,
                RevisionWorkloads = true,
            },
            controllerMetrics,
            time,
            loggerFactory,
            revisions: stores.Revisions);
        using var eventing = OpenEventing(options.Home, settings.Broker, stores, functions, ingressUrl, registry, time, loggerFactory);

        var activatorMetrics = new ActivatorMetrics(registry);
        using var functionRegistry = new FunctionRegistry(functions, backend, settings.Activator, activatorMetrics, time) { RevisionWorkloads = true };
        activity.Attach(functionRegistry);
        var reporter = new ConcurrencyReporter(
            functionRegistry, samples, settings.Activator, activatorMetrics, time, loggerFactory.CreateLogger<ConcurrencyReporter>());

        loops.Add("function-informer", functions.RunAsync);
        loops.Add("autoscaler", scaler.RunAsync);
        loops.Add("concurrency-reporter", reporter.RunAsync);
        loops.Add("function-controller", controller.RunAsync);
        foreach (var (name, loop) in eventing.Loops)
        {
            loops.Add(name, loop);
        }

        await using var ingress = BuildIngress(ingressListener, settings.Activator, functionRegistry, coldStarts, eventing, activatorMetrics, loggerFactory);
        await using var admin = BuildAdmin(
            adminListener, adminCertificate, options, credential, stores, functions, backend, samples, coldStarts, registry, fn => LocalAdmission.ValidateFunction(fn, scaleLimits, sources), time, loggerFactory);

        var pid = Environment.ProcessId;
        return await ProcessHost.RunAsync(
            front: [ingress],
            loops,
            back: [admin],
            logger,
            ready: () =>
            {
                PlatformStateFile.Write(options.StateFilePath, pid, adminUrl, ingressUrl, options.Home, time.GetUtcNow(), backend.Sandboxed, backend.PoolSizes());
                if (options.KubeconfigPath is { } kubeconfig)
                {
                    KubeconfigFile.Write(kubeconfig, Kubeconfig.Render(adminUrl, AdminTls.ReadCaPem(options.Home), credential.Token));
                }

                LogReady(logger, ingressUrl, adminUrl, options.Home);
            },
            stopping: () =>
            {
                PlatformStateFile.RemoveIfOwned(options.StateFilePath, pid);
                LogStopping(logger);
                return Task.CompletedTask;
            }).ConfigureAwait(false);
    }

    /// <summary>The broker over the local stores, its event store at <c>{home}/events.db</c>.</summary>
    private static EventingServices OpenEventing(
        string home,
        BrokerOptions options,
        LocalStores stores,
        ResourceInformer<Function> functions,
        string ingressUrl,
        CollectorRegistry registry,
        TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        var path = Path.Combine(home, EventsDatabaseFileName);
        try
        {
            return EventingServices.Open(path, options, stores.Triggers, stores.Brokers, functions, ingressUrl, registry, time, loggerFactory);
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException([$"cannot open the event store {path}: {e.Message}"]);
        }
    }

    private static WebApplication BuildIngress(
        BoundListener listener,
        ActivatorOptions activatorOptions,
        FunctionRegistry functions,
        IScaleRequester scaler,
        EventingServices eventing,
        ActivatorMetrics metrics,
        ILoggerFactory loggerFactory)
    {
        // The body is streamed to the instance, whose runtime enforces its own limit.
        var builder = LeanServer.CreateBuilder(listener, maxRequestBodySize: null, loggerFactory);
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        var proxy = new FunctionProxy(
            functions,
            scaler,
            app.Services.GetRequiredService<IHttpForwarder>(),
            activatorOptions,
            metrics,
            loggerFactory.CreateLogger<FunctionProxy>());
        app.Lifetime.ApplicationStopped.Register(proxy.Dispose);
        // /brokers/… is the broker ingress: one ordinal prefix check, then the function proxy as before.
        app.Run(eventing.Route(proxy.InvokeAsync));
        return app;
    }

    private static WebApplication BuildAdmin(
        BoundListener listener,
        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate,
        PlatformOptions options,
        AdminCredential credential,
        LocalStores stores,
        ResourceInformer<Function> functions,
        LocalProcessBackend backend,
        LatestSamples samples,
        ColdStartCounter coldStarts,
        CollectorRegistry registry,
        Func<Function, IReadOnlyList<ValidationError>> admitFunction,
        TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        var builder = LeanServer.CreateBuilder(listener, maxRequestBodySize: 3 * 1024 * 1024, loggerFactory, certificate); // 3 MiB as the kube-apiserver
        builder.Services.AddRouting();
        var app = builder.Build();
        app.UseMiddleware<BearerTokenMiddleware>(credential);

        app.UseRouting();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", () => functions.HasSynced ? Results.Text("ok") : Results.Text("syncing", statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapMetrics("/metrics", registry);
        new DiscoveryApi(DiscoveryApi.ServedTypes).Map(app);
        new NamespaceApi(
            async cancellationToken =>
            {
                var functionList = await stores.Functions.ListAsync(null, cancellationToken).ConfigureAwait(false);
                var brokerList = await stores.Brokers.ListAsync(null, cancellationToken).ConfigureAwait(false);
                var triggerList = await stores.Triggers.ListAsync(null, cancellationToken).ConfigureAwait(false);
                return functionList.Items.Select(f => f.Metadata.NamespaceProperty)
                    .Concat(brokerList.Items.Select(b => b.Metadata.NamespaceProperty))
                    .Concat(triggerList.Items.Select(t => t.Metadata.NamespaceProperty))
                    .OfType<string>();
            },
            time).Map(app);
        new ResourceApi<Function>(stores.Functions, Function.KindName, Function.Plural, FunctionDefaults.Apply, admitFunction, time).Map(app);
        new ResourceApi<Broker>(stores.Brokers, Broker.KindName, Broker.Plural, BrokerDefaults.Apply, BrokerValidator.Validate, time).Map(app);
        new ResourceApi<Trigger>(stores.Triggers, Trigger.KindName, Trigger.Plural, TriggerDefaults.Apply, TriggerValidator.Validate, time).Map(app);
        new ResourceApi<Revision>(stores.Revisions, Revision.KindName, Revision.Plural, RevisionDefaults.Apply, RevisionValidator.Validate, time, RevisionValidator.ValidateUpdate).Map(app);
        new LogsApi(stores.Functions, backend, time).Map(app);
        new StatsApi(functions, backend, samples, coldStarts, time).Map(app);
        new PrometheusDiscoveryApi(backend).Map(app);
        return app;
    }

    [LoggerMessage(EventId = PlatformEventIds.Ready, Level = LogLevel.Information, Message = "Serverless is ready: functions at {IngressUrl}/{{namespace}}/{{function}}/, admin API at {AdminUrl}, state in {Home}")]
    private static partial void LogReady(ILogger logger, string ingressUrl, string adminUrl, string home);

    [LoggerMessage(EventId = PlatformEventIds.AdminPlainHttp, Level = LogLevel.Warning, Message = "The admin API serves plain HTTP at {AdminUrl} (--admin-plain-http): its token crosses the network in clear, and kubectl will not send it")]
    private static partial void LogPlainHttp(ILogger logger, string adminUrl);

    [LoggerMessage(EventId = PlatformEventIds.Stopping, Level = LogLevel.Information, Message = "Stopping: draining function instances")]
    private static partial void LogStopping(ILogger logger);
}
