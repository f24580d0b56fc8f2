using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Autoscaler.Configuration;
using Serverless.Autoscaler.Ingest;
using Serverless.Autoscaler.Metrics;
using Serverless.Autoscaler.Scaling;
using Serverless.Backends.Kubernetes.Api;
using Serverless.Backends.Kubernetes.Workloads;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;

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
        await using var role = RoleHost.Create(options, servesTraffic: true, loggerFactory);
        var time = role.Time;
        var functions = new ResourceInformer<Function>(functionStore, null, time, loggerFactory.CreateLogger<ResourceInformer<Function>>());
        var deployments = KubeInformers.ManagedDeployments(client, time, loggerFactory);
        var reports = new ActivatorReports(time, autoscalerOptions.StableWindow);
        var workloads = new KubernetesWorkloadScaler(client, deployments, reports);
        var scaler = new FunctionScaler(
            functions, workloads, reports, autoscalerOptions, new AutoscalerMetrics(role.Registry), time, loggerFactory.CreateLogger<FunctionScaler>())
        {
            RevisionWorkloads = true, // as the controller: each revision's Deployment is keyed by the revision's name
        };
        role.Loops.Add("function-informer", functions.RunAsync);
        role.Loops.Add("deployment-informer", deployments.RunAsync);
        role.Loops.Add("autoscaler", scaler.RunAsync);

        // A new id at every start: activators replay their recent samples to an autoscaler they have not seen.
        var autoscalerId = options.PodName + "-" + Guid.NewGuid().ToString("N")[..8];
        var builder = role.CreateTrafficBuilder(maxRequestBodySize: StatsEndpoints.MaxBodyBytes);
        builder.Services.AddRouting();
        await using var app = builder.Build();
        app.UseRouting();
        StatsEndpoints.Map(app, reports, scaler, autoscalerId);
        // Ready while both caches follow the API server (and so can the scale writes).
        return await role.RunAsync(app, ready: () => functions.IsHealthy && deployments.IsHealthy).ConfigureAwait(false);
    }
}
