using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Serverless.Runtime.Dotnet.Concurrency;
using Serverless.Runtime.Dotnet.Configuration;
using Serverless.Runtime.Dotnet.Events;
using Serverless.Runtime.Dotnet.Invocation;
using Serverless.Runtime.Dotnet.Loading;
using Serverless.Runtime.Dotnet.Metrics;
using Serverless.Runtime.Dotnet.Specialization;

namespace Serverless.Runtime.Dotnet.Hosting;

/// <summary>
/// Wiring: environment → settings → host (meanwhile, on another thread: the handler located, the binding warmed) →
/// handler created and bound → listen (meanwhile: the invocation path warmed). The handler is loaded before listening,
/// so a broken function exits with <see cref="ExitCodes.HandlerLoadFailed"/> and one line on stderr instead of ever
/// answering.
/// </summary>
internal static class RuntimeHost
{
    /// <summary>Prefix of the runtime's own lines on stdout/stderr, which the supervisor shows in the Function's status.</summary>
    public const string Prefix = "serverless-runtime: ";

    /// <summary>
    /// Time to stop beyond FUNCTION_TIMEOUT: a request admitted just before SIGTERM may run to its timeout,
    /// then gets <see cref="InvocationOptions.UnwindGrace"/> and its 504 written.
    /// </summary>
    private static readonly TimeSpan ShutdownMargin = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(Func<string, string?> environment, TextWriter stdout, TextWriter stderr)
    {
        var time = TimeProvider.System;
        var started = time.GetTimestamp();
        if (GenericHost.IsGeneric(environment))
        {
            return await GenericHost.RunAsync(environment, stdout, stderr, time, started);
        }

        if (!RuntimeSettingsParser.TryParse(environment, out var settings, out var errors))
        {
            foreach (var error in errors)
            {
                await stderr.WriteLineAsync(Prefix + error);
            }

            return ExitCodes.InvalidConfiguration;
        }

        if (!HandlerName.TryParse(settings.Handler, out var name, out var parseError))
        {
            await stderr.WriteLineAsync($"{Prefix}handler {DisplayText.Quote(settings.Handler)}: {parseError}");
            return ExitCodes.HandlerLoadFailed;
        }

        // On the machine's other core while the host builds: the function's assembly, type and method (no user code runs
        // there), then the binding's first compilation, on the platform's own warm-up method. Both ran after the build on
        // the main thread.
        var locating = Task.Run(() => LocateAndWarmBinding(name, settings.FunctionPath, time));
        await using var app = Build(settings, time);

        LoadedHandler handler;
        LoadedHandler? warmUp;
        TimeSpan loadTime;
        try
        {
            // The constructor of an instance handler runs here, with the host's services, on the main thread as before.
            (var target, warmUp, var locateTime) = await locating;
            var bindStarted = time.GetTimestamp();
            handler = new HandlerLoader(app.Services).Bind(target);
            loadTime = locateTime + time.GetElapsedTime(bindStarted);
        }
        catch (HandlerLoadException ex)
        {
            await stderr.WriteLineAsync(Prefix + ex.Message);
            return ExitCodes.HandlerLoadFailed;
        }

        await using (handler)
        {
            var dispatcher = Compose(app.Services, handler, settings, time);
            app.Run(dispatcher.DispatchAsync);
            app.Services.GetRequiredService<ReadinessState>().MarkReady();

            // While Kestrel starts, on the other core: the invocation path, run with the warm-up method, so that the
            // first request does not compile it. Readiness does not wait for it: a request that comes first compiles
            // what it needs, as before.
            var warming = Task.Run(() => GenericWarmUp.InvokeDetachedAsync(warmUp, settings, time));
            var address = FormatAddress(settings);
            try
            {
                await app.StartAsync();
            }
            catch (IOException ex)
            {
                await stderr.WriteLineAsync($"{Prefix}cannot listen on {address}: {ex.Message}");
                await warming;
                return ExitCodes.ListenFailed;
            }

            // Said as soon as it is true: the local platform probes the instance the moment it reads this line.
            await stdout.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{Prefix}{name} loaded in {loadTime.TotalMilliseconds:0} ms, listening on {address} ({time.GetElapsedTime(started).TotalMilliseconds:0} ms after start)"));
            await stdout.FlushAsync();
            await warming;

            await app.WaitForShutdownAsync();
        }

        return ExitCodes.Success;
    }

    /// <summary>Also returns the time the locating took: the handler's share of "loaded in" (the warm-up's is not).</summary>
    private static (HandlerTarget Target, LoadedHandler? WarmUp, TimeSpan Elapsed) LocateAndWarmBinding(HandlerName name, string functionPath, TimeProvider time)
    {
        var started = time.GetTimestamp();
        var target = HandlerLoader.Locate(name, functionPath);
        var elapsed = time.GetElapsedTime(started);
        // A native function has nothing to compile at run time: no warm-up.
        return (target, LinkedFunction.IsLinked ? null : GenericWarmUp.BindDetached(), elapsed);
    }

    internal static FunctionServer Build(RuntimeSettings settings, TimeProvider time)
    {
        var services = new ServiceCollection();

        // The function's env (func.yaml) reaches handlers through IConfiguration, as in any ASP.NET Core app. Nothing
        // else: no appsettings.json from wherever the runtime was started, no ASPNETCORE_* host settings (the runtime's
        // own come from RuntimeSettings), as with the empty WebApplication builder before.
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddEnvironmentVariables().Build());
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(settings.LogLevel);
            logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.UseUtcTimestamp = true;
                console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
                console.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        });
        services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Error);
        FunctionServer.AddHostServices(services);

        services.AddSingleton(time);
        services.AddSingleton(new ConcurrencyLimiter(settings.ContainerConcurrency));
        services.AddSingleton(provider => new RuntimeMetrics(provider.GetRequiredService<ConcurrencyLimiter>(), settings.MetricLabels));
        services.AddSingleton<ReadinessState>();

        // A handler's CloudEvent parameter is bound as a service, from the pipeline's per-request provider.
        EventServiceProvider.Register(services);
        var provider = services.BuildServiceProvider();

        // Kestrel listens on HOST:PORT only (URLS / HTTP_PORTS among the variables are not read).
        var kestrel = new KestrelServerOptions { ApplicationServices = provider, AddServerHeader = false };

        // The pipeline enforces MAX_REQUEST_BODY_BYTES itself (413 on a declared length, BodyLimitStream while
        // reading); Kestrel's limit leaves room to drain a refused body so that its caller gets the answer.
        kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes + InvocationOptions.DrainBytes;
        kestrel.Listen(settings.ListenAddress, settings.Port);
        if (settings.PlatformPort is { } platformPort)
        {
            // On the same address: on Kubernetes the kubelet probes it from outside the pod; locally it is
            // loopback, and the activator only ever forwards to PORT.
            kestrel.Listen(settings.ListenAddress, platformPort);
        }

        return new FunctionServer(provider, kestrel, settings.FunctionTimeout + ShutdownMargin);
    }

    internal static RequestDispatcher Compose(IServiceProvider services, LoadedHandler handler, RuntimeSettings settings, TimeProvider time, RuntimeMetrics? metrics = null)
    {
        var options = new InvocationOptions(settings.FunctionTimeout, settings.MaxRequestBodyBytes, InvocationOptions.DefaultUnwindGrace) { Debug = settings.Debug };
        var invocation = new InvocationPipeline(
            handler,
            services.GetRequiredService<ConcurrencyLimiter>(),
            metrics ?? services.GetRequiredService<RuntimeMetrics>(),
            options,
            time,
            services.GetRequiredService<ILogger<InvocationPipeline>>());
        return new RequestDispatcher(invocation, services.GetRequiredService<ReadinessState>(), metrics ?? services.GetRequiredService<RuntimeMetrics>(), settings.PlatformPort);
    }

    internal static string FormatAddress(RuntimeSettings settings) =>
        "http://" + new IPEndPoint(settings.ListenAddress, settings.Port).ToString();
}
