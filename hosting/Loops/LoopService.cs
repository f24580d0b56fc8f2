using Microsoft.Extensions.Hosting;

namespace Serverless.Hosting.Loops;

/// <summary>Runs a component's loop (a method that runs until cancelled) for the life of the host.</summary>
public sealed class LoopService(Func<CancellationToken, Task> loop) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => loop(stoppingToken);
}
