using k8s;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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
using Yarp.ReverseProxy.Forwarder;

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
        await using var role = RoleHost.Create(options, servesTraffic: true, loggerFactory);
        using var tracing = PlatformTracing.Start("serverless-activator", Environment.GetEnvironmentVariable);
        var time = role.Time;
        var metrics = new ActivatorMetrics(role.Registry);
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
        // As the controller: each revision's endpoints are its own Service's slices, keyed by the revision's name.
        using var functionRegistry = new FunctionRegistry(functions, endpoints, activatorOptions, metrics, time) { RevisionWorkloads = true };
        var reporter = new ConcurrencyReporter(functionRegistry, sender, activatorOptions, metrics, time, loggerFactory.CreateLogger<ConcurrencyReporter>());
        role.Loops.Add("function-informer", functions.RunAsync);
        role.Loops.Add("endpointslice-informer", slices.RunAsync);
        role.Loops.Add("stats-sender", sender.RunAsync);
        role.Loops.Add("concurrency-reporter", reporter.RunAsync);

        var builder = role.CreateTrafficBuilder(maxRequestBodySize: null);
        builder.Services.AddHttpForwarder();
        await using var app = builder.Build();
        using var proxy = new FunctionProxy(
            functionRegistry,
            sender,
            app.Services.GetRequiredService<IHttpForwarder>(),
            activatorOptions,
            metrics,
            loggerFactory.CreateLogger<FunctionProxy>());
        if (options.Pools.Enabled)
        {
            // Specializations outlive the request that started them (others wait on them too); bounded by this client's timeout.
            using var specializeClient = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };
            var specializer = new Backends.Kubernetes.Pools.PoolSpecializer(
                client, specializeClient, options.Pools, time, loggerFactory.CreateLogger<Backends.Kubernetes.Pools.PoolSpecializer>());
            var gate = new ColdStartGate(functionRegistry, sender, KubernetesPoolColdStart.Start(functions, specializer, KubernetesPoolColdStart.Durations(role.Registry), CancellationToken.None), activatorOptions, time, loggerFactory.CreateLogger<ColdStartGate>());
            app.Run(context => gate.InvokeAsync(context, proxy.InvokeAsync));
            return await role.RunAsync(app, ready: () => functions.IsHealthy && slices.IsHealthy).ConfigureAwait(false);
        }

        app.Run(proxy.InvokeAsync);
        // Ready while both caches follow the API server: cut off from it, the activator would route on a stale view.
        return await role.RunAsync(app, ready: () => functions.IsHealthy && slices.IsHealthy).ConfigureAwait(false);
    }
}
