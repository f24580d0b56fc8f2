using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using Serverless.Activator.Configuration;
using Serverless.Activator.Forwarding;
using Serverless.Activator.Functions;
using Serverless.Activator.Metrics;
using Serverless.Activator.Reporting;
using Serverless.Backends.Kubernetes.Api;
using Serverless.Backends.Kubernetes.Endpoints;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;
using Serverless.Hosting.Loops;
using Yarp.ReverseProxy.Forwarder;
using k8s;

namespace Serverless.Platform.Kubernetes;

/// <summary>
/// <c>kubernetes activator</c>: function ingress on 8080 with the same <see cref="FunctionProxy"/> as local mode,
/// instances from EndpointSlices, statistics and scale-from-zero pokes to the autoscaler over HTTP.
/// </summary>
internal static class KubernetesActivatorHost
{
    public static async Task<int> RunAsync(
        KubernetesOptions options, ActivatorOptions activatorOptions, IKubernetes client, IResourceStore<Function> functionStore, ILoggerFactory loggerFactory)
    {
        var time = TimeProvider.System;
        var registry = Metrics.NewCustomRegistry();
        var metrics = new ActivatorMetrics(registry);
        var functions = new ResourceInformer<Function>(functionStore, null, time, loggerFactory.CreateLogger<ResourceInformer<Function>>());
        var slices = KubeInformers.ServiceEndpointSlices(client, time, loggerFactory);
        var endpoints = new EndpointSliceEndpointSource(slices);
        using var autoscalerClient = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = options.AutoscalerUrl };
        var sender = new HttpStatsSender(
            autoscalerClient,
            new StatsSenderOptions { ActivatorId = options.PodName },
            metrics,
            time,
            loggerFactory.CreateLogger<HttpStatsSender>());

        var builder = PlatformHost.CreateBuilder(options.Http, maxRequestBodySize: null, loggerFactory);
        builder.Services.AddHttpForwarder();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSingleton<IHostedService>(new LoopService(functions.RunAsync));
        builder.Services.AddSingleton<IHostedService>(new LoopService(slices.RunAsync));
        builder.Services.AddSingleton<IHostedService>(new LoopService(sender.RunAsync));
        await using var app = builder.Build();
        using var functionRegistry = new FunctionRegistry(functions, endpoints, activatorOptions, metrics, time);
        using var proxy = new FunctionProxy(
            functionRegistry,
            sender,
            app.Services.GetRequiredService<IHttpForwarder>(),
            activatorOptions,
            metrics,
            loggerFactory.CreateLogger<FunctionProxy>());
        var reporter = new ConcurrencyReporter(functionRegistry, sender, activatorOptions, metrics, time, loggerFactory.CreateLogger<ConcurrencyReporter>());
        app.Run(proxy.InvokeAsync);

        await using var metricsServer = ComponentServer.BuildMetrics(options, registry, () => functions.HasSynced && slices.HasSynced, loggerFactory);
        return await ComponentRunner.RunAsync([app, metricsServer], [reporter], loggerFactory).ConfigureAwait(false);
    }
}
