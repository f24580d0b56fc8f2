using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using Serverless.Autoscaler.Configuration;
using Serverless.Autoscaler.Ingest;
using Serverless.Autoscaler.Metrics;
using Serverless.Autoscaler.Scaling;
using Serverless.Backends.Kubernetes.Api;
using Serverless.Backends.Kubernetes.Workloads;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;
using Serverless.Hosting.Loops;
using k8s;

namespace Serverless.Platform.Kubernetes;

/// <summary>
/// <c>kubernetes autoscaler</c>: accepts the activators' statistics on 8080 (<c>POST /stats</c>,
/// <c>POST /scale-from-zero</c>) and runs the KPA, actuating through the Deployments' scale subresource with
/// pod-deletion-cost on the busiest pods before a scale-down.
/// </summary>
internal static class KubernetesAutoscalerHost
{
    public static async Task<int> RunAsync(
        KubernetesOptions options, AutoscalerOptions autoscalerOptions, IKubernetes client, IResourceStore<Function> functionStore, ILoggerFactory loggerFactory)
    {
        var time = TimeProvider.System;
        var registry = Metrics.NewCustomRegistry();
        var functions = new ResourceInformer<Function>(functionStore, null, time, loggerFactory.CreateLogger<ResourceInformer<Function>>());
        var deployments = KubeInformers.ManagedDeployments(client, time, loggerFactory);
        var reports = new ActivatorReports(time, autoscalerOptions.StableWindow);
        var workloads = new KubernetesWorkloadScaler(client, deployments, reports);
        var scaler = new FunctionScaler(
            functions, workloads, reports, autoscalerOptions, new AutoscalerMetrics(registry), time, loggerFactory.CreateLogger<FunctionScaler>());

        // A new id at every start: activators replay their recent samples to an autoscaler they have not seen.
        var autoscalerId = options.PodName + "-" + Guid.NewGuid().ToString("N")[..8];
        var builder = PlatformHost.CreateBuilder(options.Http, maxRequestBodySize: StatsEndpoints.MaxBodyBytes, loggerFactory);
        builder.Services.AddRouting();
        builder.Services.AddSingleton<IHostedService>(new LoopService(functions.RunAsync));
        builder.Services.AddSingleton<IHostedService>(new LoopService(deployments.RunAsync));
        builder.Services.AddSingleton<IHostedService>(new LoopService(scaler.RunAsync));
        await using var app = builder.Build();
        app.UseRouting();
        StatsEndpoints.Map(app, reports, scaler, autoscalerId);

        await using var metricsServer = ComponentServer.BuildMetrics(options, registry, () => functions.HasSynced && deployments.HasSynced, loggerFactory);
        return await ComponentRunner.RunAsync([app, metricsServer], [], loggerFactory).ConfigureAwait(false);
    }
}
