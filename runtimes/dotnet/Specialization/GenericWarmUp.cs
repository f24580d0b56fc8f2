using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Runtime.Dotnet.Concurrency;
using Serverless.Runtime.Dotnet.Configuration;
using Serverless.Runtime.Dotnet.Hosting;
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

            var handlerName = $"{typeof(WarmUpFunction).Assembly.GetName().Name}::{typeof(WarmUpFunction).FullName}::{nameof(WarmUpFunction.Handle)}";
            if (!HandlerName.TryParse(handlerName, out var name, out _))
            {
                return Stopwatch.GetElapsedTime(started);
            }

            await using var handler = new HandlerLoader(services).Load(name, AppContext.BaseDirectory);
            var metrics = new RuntimeMetrics(new ConcurrencyLimiter(0), generic.MetricLabels);
            var dispatcher = RuntimeHost.Compose(services, handler, generic with { PlatformPort = null }, time, metrics);
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
        }
        catch (Exception ex) when (ex is HandlerLoadException or InvalidOperationException or IOException or NotSupportedException)
        {
            // Only the warmth is lost: the specialization compiles what it needs itself.
        }

        return Stopwatch.GetElapsedTime(started);
    }
}
