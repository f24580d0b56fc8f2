using k8s;
using Microsoft.Extensions.Logging;
using Serverless.Controller;
using Serverless.Controller.Metrics;
using Serverless.Core.Api;
using Serverless.Core.Contracts;

namespace Serverless.Platform.Kubernetes;

/// <summary>
/// <c>kubernetes controller</c>: reconciles Functions into Deployments and Services while this replica holds the
/// <c>serverless-controller</c> Lease. Each leadership term gets fresh informers and a fresh queue, so a replica
/// that lost the Lease and wins it again never acts on a cache from its previous term.
/// </summary>
internal static partial class KubernetesControllerHost
{
    /// <param name="lead">
    /// Runs its argument only while this replica leads, cancelling it when the Lease is lost, until the token is
    /// cancelled; null runs it at once (leader-elect false: a single replica).
    /// </param>
    public static async Task<int> RunAsync(
        KubernetesOptions options,
        IKubernetes client,
        IResourceStore<Function> functionStore,
        Func<Func<CancellationToken, Task>, CancellationToken, Task>? lead,
        ILoggerFactory loggerFactory)
    {
        await using var role = RoleHost.Create(options, servesTraffic: false, loggerFactory);
        var metrics = new ControllerMetrics(role.Registry);
        var logger = loggerFactory.CreateLogger("Serverless.Platform.Kubernetes.Controller");
        KubernetesFunctionController? current = null;
        var term = new Func<CancellationToken, Task>(async cancellationToken =>
        {
            LogLeading(logger, options.PodName);
            var controller = new KubernetesFunctionController(
                client, functionStore, options.Workloads, new ControllerOptions { Workers = 4 }, metrics, role.Time, loggerFactory);
            Volatile.Write(ref current, controller);
            try
            {
                await controller.RunAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Volatile.Write(ref current, null);
                LogStoppedLeading(logger, options.PodName);
            }
        });
        role.Loops.Add(lead is null ? "function-controller" : "leader-election", cancellationToken => lead is null ? term(cancellationToken) : lead(term, cancellationToken));

        // A standby replica is ready: it is doing its job (waiting), and failing readiness would stall rollouts.
        return await role.RunAsync(traffic: null, ready: () => Volatile.Read(ref current)?.HasSynced ?? true).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = PlatformEventIds.Leading, Level = LogLevel.Information, Message = "{Pod} leads: reconciling Functions")]
    private static partial void LogLeading(ILogger logger, string pod);

    [LoggerMessage(EventId = PlatformEventIds.StoppedLeading, Level = LogLevel.Information, Message = "{Pod} stopped reconciling")]
    private static partial void LogStoppedLeading(ILogger logger, string pod);
}
