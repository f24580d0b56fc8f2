using k8s;
using Microsoft.Extensions.Logging;
using Serverless.Backends.Kubernetes.Leadership;

namespace Serverless.Platform.Kubernetes;

/// <summary>
/// <c>serverless-platform kubernetes {controller|activator|autoscaler|broker} [--key value]…</c>: one component per process,
/// talking to the API server with the in-cluster configuration, or the kubeconfig named by <c>KUBECONFIG</c>.
/// </summary>
internal static class KubernetesMode
{
    /// <exception cref="Composition.ConfigurationException">An argument, variable or config.json value is invalid.</exception>
    public static async Task<int> RunAsync(string[] args, Func<string, string?> environment)
    {
        var options = KubernetesOptions.Parse(args, environment, out var errors);
        Composition.ConfigurationException.ThrowIfAny(errors);
        var settings = PlatformConfiguration.Load(options!.ConfigDirectory);

        // One domain for the URL the controller writes and the host the activator routes.
        var domain = PlatformDomain.Resolve(options, settings);
        options = options with { Workloads = new Backends.Kubernetes.Resources.KubernetesWorkloadOptions { RuntimeImages = options.Workloads.RuntimeImages, Domain = domain } };
        settings.Activator.Domain = domain;

        KubernetesClientConfiguration config;
        try
        {
            config = environment("KUBECONFIG") is { Length: > 0 } kubeconfig
                ? KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig)
                : KubernetesClientConfiguration.InClusterConfig();
        }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or IOException or UnauthorizedAccessException)
        {
            throw new Composition.ConfigurationException([$"no Kubernetes API configuration: {e.Message} (set KUBECONFIG outside a cluster)"]);
        }

        using var loggerFactory = PlatformLogging.CreateLoggerFactory();
        using var client = new k8s.Kubernetes(config);
        var functionStore = Hosting.Kubernetes.KubernetesFunctionStore.Open(client);
        return options.Component switch
        {
            KubernetesComponent.Activator => await KubernetesActivatorHost.RunAsync(options, settings.Activator, client, functionStore, loggerFactory).ConfigureAwait(false),
            KubernetesComponent.Autoscaler => await KubernetesAutoscalerHost.RunAsync(options, settings.Autoscaler, client, functionStore, loggerFactory).ConfigureAwait(false),
            KubernetesComponent.Broker => await KubernetesBrokerHost.RunAsync(options, settings.Broker, client, functionStore, loggerFactory).ConfigureAwait(false),
            _ => await KubernetesControllerHost.RunAsync(options, settings.Autoscaler, settings.Gc, client, Leadership(options, client, loggerFactory), loggerFactory).ConfigureAwait(false),
        };
    }

    /// <summary>The <c>serverless-controller</c> Lease in the platform's namespace, held by this pod's name; null when leader-elect is false.</summary>
    private static LeaderGate? Leadership(KubernetesOptions options, IKubernetes client, ILoggerFactory loggerFactory) =>
        options.LeaderElect ? new LeaderGate(client, options.LeaderElection, loggerFactory.CreateLogger<LeaderGate>()) : null;
}
