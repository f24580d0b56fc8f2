using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Runtime.Dotnet.Concurrency;
using Serverless.Runtime.Dotnet.Configuration;
using Serverless.Runtime.Dotnet.Hosting;
using Serverless.Runtime.Dotnet.Invocation;
using Serverless.Runtime.Dotnet.Loading;
using Serverless.Runtime.Dotnet.Metrics;

namespace Serverless.Runtime.Dotnet.Specialization;

/// <summary>
/// Runs what a specialization and the first invocation will run, once, with <see cref="WarmUpFunction"/>, before a
/// generic runtime listens: a pool instance is idle only when it is warm. Measured here (load 20+ on 2 cores): a
/// specialization took 330–450 ms cold, most of it compiling the binding (RequestDelegateFactory's expression trees)
/// and the invocation path for the first time.
/// </summary>
/// <remarks>
/// Nothing of it stays reachable: the warm-up handler, limiter and metrics are thrown away, and the process environment
/// and configuration are untouched. A failure only costs the warmth, never the start.
/// </remarks>
internal static class GenericWarmUp
{
    public static async Task<TimeSpan> RunAsync(IServiceProvider services, RuntimeSettings generic, TimeProvider time)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using (var body = JsonDocument.Parse("""{"functionPath":"/","handler":"A::B.C::D","env":{"K_SERVICE":"warm"}}"""))
            {
                _ = body.RootElement.GetProperty("env").EnumerateObject().Count();
            }

            var env = new Dictionary<string, string>(StringComparer.Ordinal) { [EnvironmentVariables.Service] = "warm" };
            _ = RuntimeSettingsParser.TryParse(name => env.TryGetValue(name, out var value) ? value : null, out _, out _);
            if (services.GetService<IConfiguration>() is IConfigurationRoot configuration)
            {
                configuration.Reload();
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or NotSupportedException)
        {
            // Only the warmth is lost: the specialization compiles what it needs itself.
        }

        await InvokeAsync(services, generic, time);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>
    /// Minimal-API binding (<see cref="RequestDelegateFactory"/>) of a method that needs no service: its first compilation,
    /// which a function's own binding would pay otherwise. Needs no service, so a start runs it on the machine's other
    /// core while the host builds. Null when it could not bind (only the warmth is lost).
    /// </summary>
    public static LoadedHandler? BindDetached()
    {
        try
        {
            var method = typeof(GenericWarmUp).GetMethod(nameof(Echo), BindingFlags.NonPublic | BindingFlags.Static)!;
            var requestDelegate = RequestDelegateFactory.Create(method, targetFactory: null, new RequestDelegateFactoryOptions { ThrowOnBadRequest = false }).RequestDelegate;
            return new LoadedHandler(new HandlerName("warm-up", "warm-up", nameof(Echo)), method, requestDelegate, instance: null);
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// Two in-memory invocations of <paramref name="handler"/> (from <see cref="BindDetached"/>) through an
    /// <see cref="InvocationPipeline"/> of its own (own limiter, metrics and a null logger), so that a function's first
    /// request finds the pipeline, the binding's helpers and the response writing compiled. Never the user's handler,
    /// which may have effects. Returns whether both were answered 200; a failure only costs the warmth.
    /// </summary>
    public static async Task<bool> InvokeDetachedAsync(LoadedHandler? handler, RuntimeSettings settings, TimeProvider time)
    {
        if (handler is null)
        {
            return false;
        }

        try
        {
            var metrics = new RuntimeMetrics(new ConcurrencyLimiter(0), settings.MetricLabels);
            var options = new InvocationOptions(settings.FunctionTimeout, settings.MaxRequestBodyBytes, InvocationOptions.DefaultUnwindGrace);
            var pipeline = new InvocationPipeline(handler, new ConcurrencyLimiter(0), metrics, options, time, NullLogger<InvocationPipeline>.Instance);
            await using var services = new ServiceCollection().BuildServiceProvider();
            var answered = 0;
            foreach (var query in new[] { "?key=warm", "" })
            {
                var context = new DefaultHttpContext { RequestServices = services };
                context.Request.Method = HttpMethods.Get;
                context.Request.Path = "/warm";
                context.Request.QueryString = new QueryString(query);
                context.Response.Body = new MemoryStream();
                await pipeline.InvokeAsync(context);
                answered += context.Response.StatusCode == StatusCodes.Status200OK ? 1 : 0;
            }

            return answered == 2;
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or ArgumentException or IOException)
        {
            return false;
        }
    }

    /// <summary>The handler <see cref="InvokeDetachedAsync"/> binds: a query value, the request and the token, a string back.</summary>
    internal static string Echo(HttpRequest request, string? key, CancellationToken cancellationToken) =>
        key ?? request.Path.Value ?? "/";

    /// <summary>
    /// Loads, binds and invokes <see cref="WarmUpFunction"/> through the invocation pipeline, in memory, with a limiter
    /// and metrics of its own: a function's start runs it while Kestrel starts, so that its first request finds the
    /// pipeline, the binding's helpers and the response writing compiled. Never the user's handler, which may have
    /// effects. Returns false when it could not run (only the warmth is lost).
    /// </summary>
    public static async Task<bool> InvokeAsync(IServiceProvider services, RuntimeSettings settings, TimeProvider time)
    {
        try
        {
            var handlerName = $"{typeof(WarmUpFunction).Assembly.GetName().Name}::{typeof(WarmUpFunction).FullName}::{nameof(WarmUpFunction.Handle)}";
            if (!HandlerName.TryParse(handlerName, out var name, out _))
            {
                return false;
            }

            await using var handler = new HandlerLoader(services).Load(name, AppContext.BaseDirectory);
            var metrics = new RuntimeMetrics(new ConcurrencyLimiter(0), settings.MetricLabels);
            var dispatcher = RuntimeHost.Compose(services, handler, settings with { PlatformPort = null }, time, metrics);
            foreach (var query in new[] { "?key=K_SERVICE", "" })
            {
                await using var scope = services.CreateAsyncScope();
                var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
                context.Request.Method = HttpMethods.Get;
                context.Request.Path = "/warm";
                context.Request.QueryString = new QueryString(query);
                context.Response.Body = new MemoryStream();
                await dispatcher.DispatchAsync(context);
            }

            _ = metrics.Export();
            return true;
        }
        catch (Exception ex) when (ex is HandlerLoadException or InvalidOperationException or IOException or NotSupportedException)
        {
            return false;
        }
    }
}
