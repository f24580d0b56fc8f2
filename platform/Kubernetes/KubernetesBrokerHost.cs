using k8s;
using Microsoft.Extensions.Logging;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Eventing;
using Serverless.Hosting.Informers;
using Serverless.Hosting.Kubernetes;

namespace Serverless.Platform.Kubernetes;

/// <summary>
/// <c>kubernetes broker</c>: the eventing data plane. Takes CloudEvents on 8080 (<c>POST /{namespace}/{broker}</c>,
/// behind the Service <c>broker-ingress</c>), publishes them to RabbitMQ (an exchange per Broker, a quorum queue per
/// Trigger) and delivers them to subscribers, Functions through the activator; keeps Broker and Trigger status. The
/// same eventing code as local mode, with RabbitMQ as its only backend: events never live in the pod.
/// </summary>
/// <remarks>
/// Every replica serves the ingress, consumes every Trigger's queue (RabbitMQ shares the messages out, up to the
/// prefetch each) and writes status; two replicas compute the same status, so the second write finds nothing to change.
/// </remarks>
internal static class KubernetesBrokerHost
{
    public static async Task<int> RunAsync(
        KubernetesOptions options, BrokerOptions brokerOptions, IKubernetes client, IResourceStore<Function> functionStore, ILoggerFactory loggerFactory)
    {
        await using var role = RoleHost.Create(options, servesTraffic: true, loggerFactory);
        using var tracing = PlatformTracing.Start("serverless-broker", Environment.GetEnvironmentVariable);
        var stores = new KubernetesStores(client);
        var functions = new ResourceInformer<Function>(functionStore, null, role.Time, loggerFactory.CreateLogger<ResourceInformer<Function>>());

        // The Secret's URL (SERVERLESS_BROKER_URL) wins over config.json's broker.rabbitmq-url, which a ConfigMap would show to anyone who reads it.
        brokerOptions.RabbitMqUrl = options.BrokerUrl ?? brokerOptions.RabbitMqUrl;
        using var eventing = EventingServices.OpenBrokerRole(
            brokerOptions,
            stores.Triggers,
            stores.Brokers,
            functions,
            EventingEndpoints.BrokerOnly(options.ActivatorUrl, options.BrokerIngressUrl),
            role.Registry,
            role.Time,
            loggerFactory);
        role.Loops.Add("function-informer", functions.RunAsync);
        foreach (var (name, run) in eventing.Loops)
        {
            role.Loops.Add(name, run);
        }

        // The handler bounds each body by max-event-size itself (413 with a problem document).
        var builder = role.CreateTrafficBuilder(maxRequestBodySize: null);
        await using var app = builder.Build();
        app.Run(eventing.HandleAsync);

        // Ready while the caches follow the API server: routing on a stale Trigger list would drop or misdeliver events.
        // RabbitMQ away is not unready: the ingress answers 503 with Retry-After, and the pods stay in the Service.
        return await role.RunAsync(app, ready: () => functions.IsHealthy && eventing.IsHealthy).ConfigureAwait(false);
    }
}
