using k8s;
using Microsoft.Extensions.Logging;
using Serverless.Autoscaler.Configuration;
using Serverless.Backends.Kubernetes.Events;
using Serverless.Backends.Kubernetes.Leadership;
using Serverless.Controller;
using Serverless.Controller.Metrics;
using Serverless.Controller.Reconcilers.Function.Revisions;
using Serverless.Core.Defaulting;
using Serverless.Core.Validation;
using Serverless.Hosting.Kubernetes;

namespace Serverless.Platform.Kubernetes;

/// <summary>
/// <c>kubernetes controller</c>: reconciles Functions into Deployments and Services while this replica holds the
/// <c>serverless-controller</c> Lease (Brokers and Triggers are the broker role's, <see cref="KubernetesBrokerHost"/>). Each leadership term gets
/// fresh informers and a fresh queue, so a replica that lost the Lease and wins it again never acts on a cache from its
/// previous term. Kubernetes Events about Functions go through one recorder for the life of the process.
/// </summary>
/// <remarks>
/// <c>/readyz</c> answers ok while the replica reaches the API server: the election's last call got an answer, and,
/// when it leads, every informer of the term follows the API server. A standby that reaches it is ready (it is doing
/// its job, waiting; failing readiness would stall rollouts); any replica cut off from it is not.
/// </remarks>
internal static partial class KubernetesControllerHost
{
    /// <summary>The reporting component of the controller's Events (<c>kubectl get events</c> SOURCE).</summary>
    public const string EventSource = "serverless-controller";

    /// <param name="autoscaler">The autoscaler section: the initial scale of new revisions and whether it may be 0.</param>
    /// <param name="gate">The election this replica runs its term under; null runs it at once (leader-elect false: a single replica).</param>
    /// <param name="gc">config.json's <c>gc</c> section: which Revisions that take no traffic are collected.</param>
    public static async Task<int> RunAsync(KubernetesOptions options, AutoscalerOptions autoscaler, RevisionRetention gc, IKubernetes client, LeaderGate? gate, ILoggerFactory loggerFactory)
    {
        var controllerOptions = new ControllerOptions
        {
            Workers = 4,
            ScaleDefaults = autoscaler.ToScaleDefaults(ScaleMetricNames.Concurrency),

            // No admission webhook on Kubernetes: the controller refuses what allow-zero-initial-scale forbids (Ready=False).
            ScaleLimits = ScaleLimits.None with { AllowZeroInitialScale = autoscaler.AllowZeroInitialScale },
            RevisionRetention = gc,

            // Every revision, the main one included, in a Deployment of its own owned by its Revision (issue #17 item 6):
            // a promotion moves weights only, and a Function-owned Deployment of an older install bridges until replaced.
            RevisionWorkloads = true,
        };
        await using var role = RoleHost.Create(options, servesTraffic: false, loggerFactory);
        var metrics = new ControllerMetrics(role.Registry);
        var logger = loggerFactory.CreateLogger("Serverless.Platform.Kubernetes.Controller");
        var stores = new KubernetesStores(client);
        var poolIdle = Prometheus.Metrics.WithCustomRegistry(role.Registry).CreateGauge(
            "serverless_pool_idle", "Generic runtime pods kept warm for cold starts, idle now (the leader's last pool pass)", "runtime");
        var poolWithheld = Prometheus.Metrics.WithCustomRegistry(role.Registry).CreateGauge(
            "serverless_pool_withheld", "Pool pods below pool-size, summed over namespaces: reason quota (a ResourceQuota leaves no room), limitrange (a LimitRange refuses them) or rejected (the API server refused them)", "runtime", "reason");
        var events = new KubernetesEventRecorder(client, EventSource, options.PodName, role.Time, loggerFactory.CreateLogger<KubernetesEventRecorder>());
        Term? current = null;
        var term = new Func<CancellationToken, Task>(async cancellationToken =>
        {
            LogLeading(logger, options.PodName);
            metrics.MarkLeading(true);
            var functions = new KubernetesFunctionController(
                client, stores.Functions, options.Workloads, controllerOptions, metrics, role.Time, loggerFactory, events, stores.Revisions);
            Volatile.Write(ref current, new Term(functions));
            try
            {
                var run = functions.RunAsync(cancellationToken);
                if (options.Pools.Enabled)
                {
                    var pools = new Backends.Kubernetes.Pools.PoolReconciler(
                        client, options.Pools, options.Workloads, role.Time, loggerFactory.CreateLogger<Backends.Kubernetes.Pools.PoolReconciler>())
                    {
                        IdleReported = idle =>
                        {
                            foreach (var (runtime, count) in idle)
                            {
                                poolIdle.WithLabels(runtime).Set(count);
                            }
                        },
                        WithheldReported = withheld =>
                        {
                            foreach (var ((runtime, reason), count) in withheld)
                            {
                                poolWithheld.WithLabels(runtime, reason).Set(count);
                            }
                        },
                        Events = events,
                    };
                    await Task.WhenAll(run, pools.RunAsync(functions.Functions, cancellationToken)).ConfigureAwait(false);
                }
                else
                {
                    await run.ConfigureAwait(false);
                }
            }
            finally
            {
                Volatile.Write(ref current, null);
                metrics.MarkLeading(false);
                LogStoppedLeading(logger, options.PodName);
            }
        });
        role.Loops.Add("event-recorder", events.RunAsync);
        role.Loops.Add(gate is null ? "function-controller" : "leader-election", cancellationToken => gate is null ? term(cancellationToken) : gate.RunAsync(term, cancellationToken));

        return await role.RunAsync(traffic: null, ready: () => Ready(gate, Volatile.Read(ref current))).ConfigureAwait(false);
    }

    private static bool Ready(LeaderGate? gate, Term? term)
    {
        if (gate is not null && !gate.IsConnected)
        {
            return false;
        }

        // Leading (or no election): the term's caches must follow the API server. A standby has none.
        return term is null ? gate is not null : term.IsHealthy;
    }

    [LoggerMessage(EventId = PlatformEventIds.Leading, Level = LogLevel.Information, Message = "{Pod} leads: reconciling Functions")]
    private static partial void LogLeading(ILogger logger, string pod);

    [LoggerMessage(EventId = PlatformEventIds.StoppedLeading, Level = LogLevel.Information, Message = "{Pod} stopped reconciling")]
    private static partial void LogStoppedLeading(ILogger logger, string pod);

    /// <summary>What one leadership term runs.</summary>
    private sealed record Term(KubernetesFunctionController Functions)
    {
        public bool IsHealthy => Functions.IsHealthy;
    }
}
