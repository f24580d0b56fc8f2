using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Serverless.Platform.Kubernetes;

/// <summary>Starts a component's servers and extra services, waits for SIGTERM (or a server stopping), then stops them all.</summary>
internal static partial class ComponentRunner
{
    public static async Task<int> RunAsync(IReadOnlyList<WebApplication> servers, IReadOnlyList<IHostedService> services, ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger("Serverless.Platform.Kubernetes");
        var started = new List<WebApplication>();
        try
        {
            foreach (var server in servers)
            {
                await server.StartAsync().ConfigureAwait(false);
                started.Add(server);
            }
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"serverless-platform: cannot listen: {e.Message}; choose other addresses with --http/--metrics HOST:PORT").ConfigureAwait(false);
            await StopAsync(started).ConfigureAwait(false);
            return 1;
        }

        foreach (var service in services)
        {
            await service.StartAsync(CancellationToken.None).ConfigureAwait(false);
        }

        LogListening(logger, string.Join(", ", started.Select(ComponentServer.BoundUrl)));
        try
        {
            // Any server's lifetime ends on SIGTERM; the first one to stop stops the component.
            await Task.WhenAny(started.Select(s => s.WaitForShutdownAsync())).ConfigureAwait(false);
        }
        finally
        {
            foreach (var service in services)
            {
                await service.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }

            await StopAsync(started).ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task StopAsync(IEnumerable<WebApplication> servers)
    {
        foreach (var server in servers)
        {
            await server.StopAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Listening on {Urls}")]
    private static partial void LogListening(ILogger logger, string urls);
}
