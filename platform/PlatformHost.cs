using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
using Serverless.Hosting.Informers;
using Serverless.Hosting.Loops;
using Serverless.Platform.Admin;
using Serverless.Platform.Eventing;
using Serverless.Platform.State;
using Serverless.Platform.Stats;
using Yarp.ReverseProxy.Forwarder;

namespace Serverless.Platform;

/// <summary>
/// The embedded local mode in one process: the SQLite store, the process backend, the controller,
/// the autoscaler and the activator (function ingress) plus the admin API. On Kubernetes the same
/// components run as separate Deployments with the Kubernetes backends.
/// </summary>
internal static partial class PlatformHost
{
    public static async Task<int> RunAsync(PlatformOptions options)
    {
        Directory.CreateDirectory(options.Home);
        using var homeLock = HomeLock.TryAcquire(options.Home);
        if (homeLock is null)
        {
            // Two platforms on one state directory would reap each other's instances and share one database.
            await Console.Error.WriteLineAsync($"serverless-platform: another platform is running with state directory {options.Home} (see {options.StateFilePath}); stop it with `func down` or use another SERVERLESS_HOME").ConfigureAwait(false);
            return 1;
        }

        var autoscalerOptions = PlatformConfiguration.LoadAutoscaler(options.Home, out var autoscalerErrors);
        var activatorOptions = PlatformConfiguration.LoadActivator(options.Home, out var activatorErrors);
        var localOptions = PlatformConfiguration.LoadLocal(options.Home, out var localErrors);
        var configErrors = autoscalerErrors.Concat(activatorErrors).Concat(localErrors).ToList();
        if (configErrors.Count > 0)
        {
            foreach (var error in configErrors)
            {
                await Console.Error.WriteLineAsync("serverless-platform: " + error).ConfigureAwait(false);
            }

            return 2;
        }

        var time = TimeProvider.System;
        using var loggerFactory = PlatformLogging.CreateLoggerFactory();
        var logger = loggerFactory.CreateLogger("Serverless.Platform");
        var registry = Metrics.NewCustomRegistry();

        using var stores = LocalStores.Open(options.DatabasePath, time, loggerFactory);
        var activity = new ActivityRelay();
        localOptions.StateDirectory = options.Home;
        localOptions.RuntimesDirectory = options.RuntimesDirectory;
        localOptions.InstanceLoad = activity.InFlight;
        localOptions.Sandbox.Enabled &= options.Sandbox;
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
        var scaleLimits = new ScaleLimits(autoscalerOptions.MaxScaleLimit, localOptions.MaxInstances);
        var functions = new ResourceInformer<Function>(stores.Functions, null, time, loggerFactory.CreateLogger<ResourceInformer<Function>>());
        var scaler = new FunctionScaler(
            functions, backend, activity, autoscalerOptions, new AutoscalerMetrics(registry), time, loggerFactory.CreateLogger<FunctionScaler>());

        // `func top`'s figures: decorators note samples and cold starts on their way to the autoscaler.
        var samples = new LatestSamples(scaler);
        using var coldStarts = new ColdStartCounter(scaler, backend, time);
        var controllerOptions = new ControllerOptions();
        await using var eventing = EventingHost.TryCreate(options.Home, stores, functions, registry, time, loggerFactory);
        if (eventing is null)
        {
            return 2;
        }

        var activatorMetrics = new ActivatorMetrics(registry);
        using var functionRegistry = new FunctionRegistry(functions, backend, activatorOptions, activatorMetrics, time);
        activity.Attach(functionRegistry);

        // Ingress first: its bound address is every function's URL.
        await using var ingress = BuildIngress(options, activatorOptions, functionRegistry, coldStarts, eventing, activatorMetrics, loggerFactory);
        if (!await TryStartAsync(ingress, "--ingress", options.Ingress).ConfigureAwait(false))
        {
            return 1;
        }

        var ingressUrl = BoundUrl(ingress);
        eventing.Start(ingressUrl);
        controllerOptions.FunctionUrl = key => $"{ingressUrl}/{key.Namespace}/{key.Name}/";

        await using var admin = BuildAdmin(
            options, stores, functions, backend, controllerOptions, scaler, functionRegistry, activatorOptions, activatorMetrics, samples, coldStarts, registry, scaleLimits, time, loggerFactory);
        if (!await TryStartAsync(admin, "--admin", options.Admin).ConfigureAwait(false))
        {
            await ingress.StopAsync().ConfigureAwait(false);
            return 1;
        }

        var adminUrl = BoundUrl(admin);

        var pid = Environment.ProcessId;
        PlatformStateFile.Write(options.StateFilePath, pid, adminUrl, ingressUrl, options.Home, time.GetUtcNow(), backend.Sandboxed);
        LogReady(logger, ingressUrl, adminUrl, options.Home);
        try
        {
            await admin.WaitForShutdownAsync().ConfigureAwait(false);
        }
        finally
        {
            PlatformStateFile.RemoveIfOwned(options.StateFilePath, pid);
            await ingress.StopAsync().ConfigureAwait(false);
            LogStopping(logger);
        }

        return 0;
    }

    private static WebApplication BuildIngress(
        PlatformOptions options,
        ActivatorOptions activatorOptions,
        FunctionRegistry functions,
        IScaleRequester scaler,
        EventingHost eventing,
        ActivatorMetrics metrics,
        ILoggerFactory loggerFactory)
    {
        // The body is streamed to the instance, whose runtime enforces its own limit.
        var builder = CreateBuilder(options.Ingress, maxRequestBodySize: null, loggerFactory);
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
        PlatformOptions options,
        LocalStores stores,
        ResourceInformer<Function> functions,
        LocalProcessBackend backend,
        ControllerOptions controllerOptions,
        FunctionScaler scaler,
        FunctionRegistry functionRegistry,
        ActivatorOptions activatorOptions,
        ActivatorMetrics activatorMetrics,
        LatestSamples samples,
        ColdStartCounter coldStarts,
        CollectorRegistry registry,
        ScaleLimits scaleLimits,
        TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        var builder = CreateBuilder(options.Admin, maxRequestBodySize: 3 * 1024 * 1024, loggerFactory); // 3 MiB as the kube-apiserver
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddRouting();
        // AddHostedService dedups by implementation type (TryAddEnumerable), which would keep only
        // the first LoopService: register each loop as its own IHostedService instead.
        builder.Services.AddSingleton<IHostedService>(new LoopService(functions.RunAsync));
        builder.Services.AddSingleton<IHostedService>(new LoopService(scaler.RunAsync));
        builder.Services.AddHostedService(_ => new ConcurrencyReporter(
            functionRegistry, samples, activatorOptions, activatorMetrics, time, loggerFactory.CreateLogger<ConcurrencyReporter>()));
        builder.Services.AddHostedService(_ => new FunctionController(
            functions, stores.Functions, backend, controllerOptions, new ControllerMetrics(registry), time, loggerFactory));

        var app = builder.Build();
        if (options.AdminToken is { } token)
        {
            app.UseMiddleware<BearerTokenMiddleware>(token);
        }

        app.UseRouting();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", () => functions.HasSynced ? Results.Text("ok") : Results.Text("syncing", statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapMetrics("/metrics", registry);
        new ResourceApi<Function>(stores.Functions, Function.KindName, Function.Plural, FunctionDefaults.Apply, fn => FunctionValidator.Validate(fn, scaleLimits)).Map(app);
        new ResourceApi<Broker>(stores.Brokers, Broker.KindName, Broker.Plural, BrokerDefaults.Apply, BrokerValidator.Validate).Map(app);
        new ResourceApi<Trigger>(stores.Triggers, Trigger.KindName, Trigger.Plural, TriggerDefaults.Apply, TriggerValidator.Validate).Map(app);
        new LogsApi(stores.Functions, backend, time).Map(app);
        new StatsApi(functions, backend, samples, coldStarts, time).Map(app);
        return app;
    }

    /// <summary>Starts a server; a taken or forbidden address is a one-line error naming the flag, not a stack trace.</summary>
    private static async Task<bool> TryStartAsync(WebApplication app, string flag, System.Net.IPEndPoint address)
    {
        try
        {
            await app.StartAsync().ConfigureAwait(false);
            return true;
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"serverless-platform: cannot listen on {address} ({flag}): {e.Message}; is another platform running? choose another address with {flag} HOST:PORT").ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>A lean server on one address, logging through the platform's logger factory.</summary>
    internal static WebApplicationBuilder CreateBuilder(System.Net.IPEndPoint address, long? maxRequestBodySize, ILoggerFactory loggerFactory)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = maxRequestBodySize;
            kestrel.Listen(address);
        });
        return builder;
    }

    internal static string BoundUrl(WebApplication app) =>
        app.Urls.FirstOrDefault()?.TrimEnd('/') ?? throw new InvalidOperationException("the server reported no bound address");

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Serverless is ready: functions at {IngressUrl}/{{namespace}}/{{function}}/, admin API at {AdminUrl}, state in {Home}")]
    private static partial void LogReady(ILogger logger, string ingressUrl, string adminUrl, string home);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Stopping: draining function instances")]
    private static partial void LogStopping(ILogger logger);
}
