using Microsoft.Extensions.Hosting;
using Serverless.Core.Api;
using Serverless.Core.Informers;

namespace Serverless.Platform;

/// <summary>Runs a shared informer for the life of the host.</summary>
internal sealed class InformerService<T>(ResourceInformer<T> informer) : BackgroundService where T : class, IResource
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => informer.RunAsync(stoppingToken);
}
