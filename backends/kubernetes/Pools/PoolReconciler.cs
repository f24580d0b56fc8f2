using System.Net;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Hosting.Informers;
using Serverless.Hosting.Kubernetes;

namespace Serverless.Backends.Kubernetes.Pools;

/// <summary>
/// The controller's side of warm pools: one pool Deployment per runtime (with <c>pool-size-{runtime}</c> &gt; 0) in
/// each namespace that has a Function the pool may serve, created, resized and deleted as Functions come and go.
/// Level-based: every pass compares the wanted pools with the live ones, so a deleted or edited pool comes back.
/// Each pass also retires the pods the activators specialized (<see cref="RetireReason"/>): a specialized pod never
/// returns to a pool; it bridges a cold start until the function's own pods serve, and is then deleted, draining as
/// any pod does (preStop, SIGTERM, in-flight requests finish).
/// </summary>
public sealed partial class PoolReconciler
{
    private readonly IKubernetes _client;
    private readonly KubernetesPoolOptions _options;
    private readonly KubernetesWorkloadOptions _workloads;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly PoolKeyStore _keys;

    // Per namespace: the quota bound last reported (so that a log line and an Event mark a change of the bound, not
    // every move of status.used), and when the bound last shrank the pools (PoolQuotaBudget.Settle).
    private readonly Dictionary<string, PoolQuotaLimit> _limits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _shrunkAt = new(StringComparer.Ordinal);

    // Pools whose ReplicaSet could not create pods (ReplicaFailure): held at the pods they have until the time given.
    private readonly Dictionary<(string Namespace, string Runtime), (DateTimeOffset Until, int Replicas, string Message)> _rejected = [];
    private ResourceInformer<V1ResourceQuota>? _quotas;
    private ResourceInformer<V1LimitRange>? _limitRanges;

    // A pass once a held growth may apply (QuotaSettle after the shrink), rather than at the next resync.
    private ITimer? _settled;

    // The namespaces with pools as of the last pass: a quota change elsewhere does not call for a pass (read by the informer's thread).
    private IReadOnlySet<string> _poolNamespaces = new HashSet<string>(StringComparer.Ordinal);

    public PoolReconciler(IKubernetes client, KubernetesPoolOptions options, KubernetesWorkloadOptions workloads, TimeProvider time, ILogger<PoolReconciler> logger)
    {
        _client = client;
        _options = options;
        _workloads = workloads;
        _time = time;
        _logger = logger;
        _keys = new PoolKeyStore(client, options.PlatformNamespace);
    }

    /// <summary>
    /// How long a claimed pod is left alone while the function's Deployment is at zero (the scale-from-zero its cold
    /// start asked for may not have landed yet), and how long a claim may stay unspecialized (an activator that died
    /// between the claim and the labels).
    /// </summary>
    public TimeSpan ClaimGrace { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the pools are compared when nothing changed (a deleted pool Deployment comes back within it).</summary>
    public TimeSpan Resync { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// After each pass: the ready idle pool pods per runtime (the pool Deployments' readyReplicas, summed over
    /// namespaces; a claimed pod has left its Deployment), with 0 for every runtime without a pool.
    /// </summary>
    public Action<IReadOnlyDictionary<string, int>>? IdleReported { get; init; }

    /// <summary>
    /// After each pass: per runtime, the pool pods withheld below <c>pool-size</c> (summed over namespaces) by reason:
    /// <c>quota</c> (a namespace's ResourceQuota leaves no more room), <c>limitrange</c> (a LimitRange would refuse the
    /// pool's pods) and <c>rejected</c> (the API server refused the pool's pods; held for <see cref="RejectedHold"/>).
    /// Every runtime and reason is reported, 0 included.
    /// </summary>
    public Action<IReadOnlyDictionary<(string Runtime, string Reason), int>>? WithheldReported { get; init; }

    /// <summary>Where Events about the pool Deployments go (quota bound changed, pods refused); none when null.</summary>
    public Core.Contracts.IEventRecorder? Events { get; init; }

    /// <summary>How long a larger quota bound waits after the pools of its namespace shrank (<see cref="PoolQuotaBudget.Settle"/>).</summary>
    public TimeSpan QuotaSettle { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a pool whose ReplicaSet could not create pods (its Deployment's ReplicaFailure condition) stays at the
    /// pods it has before its size is asked again: the failure is reported once per hold, not retried on every pass.
    /// </summary>
    public TimeSpan RejectedHold { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The (namespace, runtime) pairs that should have a pool. Pure.</summary>
    internal static SortedSet<(string Namespace, string Runtime)> Desired(IEnumerable<Core.Api.Function> functions, KubernetesPoolOptions options) =>
        new(functions
            .Where(f => PoolEligibility.WhyNot(f, options) is null)
            .Select(f => (f.Metadata.NamespaceProperty ?? "", f.Spec.Runtime ?? "")));

    /// <summary>Runs passes until cancelled: after every Function change (coalesced) and every <see cref="Resync"/>.</summary>
    public async Task RunAsync(ResourceInformer<Core.Api.Function> functions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(functions);
        functions.Changed += _ => Signal();

        // ResourceQuotas bound the pools: a change of one in a namespace with pools (its hard limits, or the functions'
        // use in status.used) is a reason for a pass, coalesced with the others; the quotas of other namespaces, whose
        // status moves with every pod there, are not. A pass writes only when a pool's size changes.
        var quotas = new ResourceInformer<V1ResourceQuota>(PoolQuotaSource.Create(_client), null, _time, _logger);
        quotas.Changed += change => SignalIfPoolNamespace(change.Object.Metadata);

        // LimitRanges fill in the pool pods' unset requests and limits, and may refuse them: a change of one in a
        // namespace with pools is a reason for a pass too.
        var limitRanges = new ResourceInformer<V1LimitRange>(PoolLimitRangeSource.Create(_client), null, _time, _logger);
        limitRanges.Changed += change => SignalIfPoolNamespace(change.Object.Metadata);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var quotaLoop = quotas.RunAsync(stop.Token);
        var limitRangeLoop = limitRanges.RunAsync(stop.Token);
        try
        {
            await functions.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await quotas.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await limitRanges.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            _quotas = quotas;
            _limitRanges = limitRanges;
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await ReconcileAsync(functions.List(), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogPassFailed(_logger, e.Message, e);
                }

                await _changed.WaitAsync(Resync, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _settled?.Dispose();
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var loop in (Task[])[quotaLoop, limitRangeLoop])
            {
                try
                {
                    await loop.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Stopped with the term.
                }
            }
        }
    }

    private void SignalIfPoolNamespace(V1ObjectMeta? metadata)
    {
        if (Volatile.Read(ref _poolNamespaces).Contains(metadata?.NamespaceProperty ?? ""))
        {
            Signal();
        }
    }

    /// <summary>One pass: create the missing pools, resize or restore the drifted ones, delete those no Function needs.</summary>
    public async Task ReconcileAsync(IEnumerable<Core.Api.Function> functions, CancellationToken cancellationToken)
    {
        var all = functions as IReadOnlyCollection<Core.Api.Function> ?? functions.ToList();
        var desired = Desired(all, _options);
        Volatile.Write(ref _poolNamespaces, desired.Select(d => d.Namespace).ToHashSet(StringComparer.Ordinal));
        await SyncNetworkPoliciesAsync(desired, cancellationToken).ConfigureAwait(false);
        await SyncPoolsAsync(desired, cancellationToken).ConfigureAwait(false);
        await RetireAsync(all, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Why a specialized (or claimed) pod should go now, or null to keep it. Pure: <paramref name="deployment"/> is the
    /// Deployment of the workload it joined, its revision's or an older layout's Function-owned one (null when there is none).
    /// </summary>
    internal static string? RetireReason(V1Pod pod, Core.Api.Function? function, V1Deployment? deployment, DateTimeOffset now, TimeSpan grace)
    {
        if (function is null || function.Metadata.DeletionTimestamp is not null)
        {
            return "its Function is gone";
        }

        var labels = pod.Metadata.Labels ?? new Dictionary<string, string>();
        var claimedAt = pod.Metadata.Annotations is { } annotations && annotations.TryGetValue(PoolLabels.ClaimedAtAnnotation, out var text)
            && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var at)
            ? at
            : pod.Metadata.CreationTimestamp is { } created ? new DateTimeOffset(created, TimeSpan.Zero) : now;
        var old = now - claimedAt >= grace;
        if (!labels.TryGetValue(WorkloadLabels.Revision, out var revision))
        {
            return old ? "claimed but never specialized" : null;
        }

        if (revision != Core.Workloads.WorkloadSpecBuilder.Build(function).Revision)
        {
            return "its Function has a new revision";
        }

        var wanted = deployment?.Spec?.Replicas ?? 0;
        var ready = deployment?.Status?.ReadyReplicas ?? 0;
        if (wanted > 0 && ready >= wanted)
        {
            return "the function's own pods are ready";
        }

        return wanted == 0 && old ? "the function is at zero" : null;
    }

    private async Task RetireAsync(IReadOnlyCollection<Core.Api.Function> functions, CancellationToken cancellationToken)
    {
        var claimed = await _client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: PoolLabels.ClaimedSelector, cancellationToken: cancellationToken).ConfigureAwait(false);
        var byKey = functions.ToDictionary(f => (f.Metadata.NamespaceProperty ?? "", f.Metadata.Name));
        foreach (var pod in claimed.Items ?? [])
        {
            if (pod.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }

            var ns = pod.Metadata.NamespaceProperty ?? "";
            var name = pod.Metadata.Labels![PoolLabels.ClaimedFor];
            var function = byKey.GetValueOrDefault((ns, name));
            V1Deployment? deployment = null;
            if (function is not null)
            {
                try
                {
                    // The workload it bridges: its revision's Deployment, or an older layout's Function-owned one.
                    var workload = pod.Metadata.Labels.TryGetValue(WorkloadLabels.RevisionName, out var revision) ? revision : name;
                    deployment = await _client.AppsV1.ReadNamespacedDeploymentAsync(workload, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (KubeErrors.Is(e, HttpStatusCode.NotFound))
                {
                }
            }

            if (RetireReason(pod, function, deployment, _time.GetUtcNow(), ClaimGrace) is not { } reason)
            {
                continue;
            }

            try
            {
                await _client.CoreV1.DeleteNamespacedPodAsync(
                    pod.Metadata.Name, ns, new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = pod.Metadata.Uid } }, cancellationToken: cancellationToken).ConfigureAwait(false);
                LogRetired(_logger, ns, pod.Metadata.Name, name, reason);
            }
            catch (Exception e) when (KubeErrors.Is(e, HttpStatusCode.NotFound) || KubeErrors.Is(e, HttpStatusCode.Conflict))
            {
                // Gone already.
            }
        }
    }

    /// <summary>
    /// One NetworkPolicy per namespace with a pool, made before the pool's pods (so that none is ever open), deleted
    /// with the namespace's last pool.
    /// </summary>
    private async Task SyncNetworkPoliciesAsync(SortedSet<(string Namespace, string Runtime)> desired, CancellationToken cancellationToken)
    {
        var namespaces = desired.Select(d => d.Namespace).ToHashSet(StringComparer.Ordinal);
        var live = await _client.NetworkingV1.ListNetworkPolicyForAllNamespacesAsync(labelSelector: PoolNetworkPolicyBuilder.PolicyLabel, cancellationToken: cancellationToken).ConfigureAwait(false);
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var policy in live.Items ?? [])
        {
            var ns = policy.Metadata.NamespaceProperty ?? "";
            if (policy.Metadata.Name != PoolNetworkPolicyBuilder.Name || !namespaces.Contains(ns))
            {
                try
                {
                    await _client.NetworkingV1.DeleteNamespacedNetworkPolicyAsync(
                        policy.Metadata.Name, ns, new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = policy.Metadata.Uid } }, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (KubeErrors.Is(e, HttpStatusCode.NotFound) || KubeErrors.Is(e, HttpStatusCode.Conflict))
                {
                    // Gone already.
                }

                continue;
            }

            present.Add(ns);
            var wanted = PoolNetworkPolicyBuilder.Build(ns, _options.PlatformNamespace);
            if (!PoolNetworkPolicyBuilder.Matches(policy, wanted))
            {
                wanted.Metadata.ResourceVersion = policy.Metadata.ResourceVersion;
                try
                {
                    await _client.NetworkingV1.ReplaceNamespacedNetworkPolicyAsync(wanted, wanted.Metadata.Name, ns, fieldManager: "serverless", cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (KubeErrors.Is(e, HttpStatusCode.Conflict) || KubeErrors.Is(e, HttpStatusCode.NotFound))
                {
                    Signal();
                }
            }
        }

        foreach (var ns in namespaces.Where(ns => !present.Contains(ns)))
        {
            try
            {
                await _client.NetworkingV1.CreateNamespacedNetworkPolicyAsync(PoolNetworkPolicyBuilder.Build(ns, _options.PlatformNamespace), ns, fieldManager: "serverless", cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (KubeErrors.Is(e, HttpStatusCode.Conflict))
            {
                // Made meanwhile: the next pass compares it.
            }
        }
    }

    private async Task SyncPoolsAsync(SortedSet<(string Namespace, string Runtime)> desired, CancellationToken cancellationToken)
    {
        var signing = desired.Count > 0 ? await _keys.EnsureAsync(cancellationToken).ConfigureAwait(false) : null;
        var live = await _client.AppsV1.ListDeploymentForAllNamespacesAsync(labelSelector: PoolLabels.AnyPoolSelector, cancellationToken: cancellationToken).ConfigureAwait(false);
        var byKey = new Dictionary<(string, string), V1Deployment>();
        var idle = Core.Api.RuntimeNames.All.ToDictionary(r => r, _ => 0, StringComparer.Ordinal);
        foreach (var deployment in live.Items ?? [])
        {
            var runtime = deployment.Metadata.Labels is { } labels && labels.TryGetValue(PoolLabels.Pool, out var value) ? value : "";
            var key = (deployment.Metadata.NamespaceProperty ?? "", runtime);
            if (deployment.Metadata.Name != PoolLabels.DeploymentName(runtime) || !desired.Contains(key))
            {
                await DeleteAsync(deployment, cancellationToken).ConfigureAwait(false);
                continue;
            }

            byKey[key] = deployment;
            idle[runtime] = idle.GetValueOrDefault(runtime) + (deployment.Status?.ReadyReplicas ?? 0);
        }

        IdleReported?.Invoke(idle);

        var now = _time.GetUtcNow();
        var announce = new Dictionary<string, (string Type, string Reason, string Message)>(StringComparer.Ordinal);
        var caps = await QuotaCapsAsync(desired, byKey, now, announce, cancellationToken).ConfigureAwait(false);
        var unbounded = PoolSizing.Allocate(desired, _options.SizeOf, _options.MaxPods);
        var sizes = PoolSizing.Allocate(desired, _options.SizeOf, _options.MaxPods, ns => caps.GetValueOrDefault(ns));
        var withheld = Core.Api.RuntimeNames.All
            .SelectMany(r => ((string, string)[])[(r, "quota"), (r, "limitrange"), (r, "rejected")])
            .ToDictionary(k => k, _ => 0);
        foreach (var key in desired)
        {
            var bound = _limits.TryGetValue(key.Namespace, out var limit) && limit.Reason == PoolQuotaLimit.LimitRangeReason ? "limitrange" : "quota";
            withheld[(key.Runtime, bound)] += Math.Max(0, unbounded[key] - sizes[key]);
            if (Rejected(key, byKey.GetValueOrDefault(key), now) is { } held && held < sizes[key])
            {
                withheld[(key.Runtime, "rejected")] += sizes[key] - held;
                sizes[key] = held;
            }
        }

        foreach (var key in _rejected.Keys.Where(k => !desired.Contains(k)).ToList())
        {
            _rejected.Remove(key);
        }

        WithheldReported?.Invoke(withheld);

        foreach (var (ns, runtime) in desired)
        {
            if (!_workloads.RuntimeImages.TryGetValue(runtime, out var image))
            {
                continue;
            }

            var size = sizes[(ns, runtime)];
            if (!byKey.TryGetValue((ns, runtime), out var current))
            {
                var created = PoolDeploymentBuilder.Build(ns, runtime, image, size, signing!.PublicJwk, _options.Resources);
                try
                {
                    byKey[(ns, runtime)] = await _client.AppsV1.CreateNamespacedDeploymentAsync(created, ns, fieldManager: "serverless", cancellationToken: cancellationToken).ConfigureAwait(false);
                    LogCreated(_logger, ns, runtime, size);
                }
                catch (Exception e) when (KubeErrors.Is(e, HttpStatusCode.Conflict))
                {
                    // Created meanwhile (a previous term's pass): the next pass compares it.
                }

                continue;
            }

            var wanted = PoolDeploymentBuilder.Build(ns, runtime, image, size, signing!.PublicJwk, _options.Resources);
            if (current.Spec?.Replicas == size && PoolDeploymentBuilder.SpecHashOf(current) == PoolDeploymentBuilder.SpecHashOf(wanted))
            {
                continue;
            }

            wanted.Metadata.ResourceVersion = current.Metadata.ResourceVersion;
            try
            {
                await _client.AppsV1.ReplaceNamespacedDeploymentAsync(wanted, wanted.Metadata.Name, ns, fieldManager: "serverless", cancellationToken: cancellationToken).ConfigureAwait(false);
                LogUpdated(_logger, ns, runtime, size);
            }
            catch (Exception e) when (KubeErrors.Is(e, HttpStatusCode.Conflict) || KubeErrors.Is(e, HttpStatusCode.NotFound))
            {
                // Changed or deleted meanwhile: the next pass starts from what is there then.
                Signal();
            }
        }

        // Events about a changed quota bound go to each pool Deployment of the namespace, those created by this pass too.
        foreach (var ((ns, _), deployment) in byKey.Where(d => announce.ContainsKey(d.Key.Item1)))
        {
            var (type, reason, message) = announce[ns];
            Record(deployment, type, reason, message);
        }
    }

    private async Task DeleteAsync(V1Deployment deployment, CancellationToken cancellationToken)
    {
        try
        {
            await _client.AppsV1.DeleteNamespacedDeploymentAsync(
                deployment.Metadata.Name,
                deployment.Metadata.NamespaceProperty,
                new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = deployment.Metadata.Uid } },
                propagationPolicy: "Background",
                cancellationToken: cancellationToken).ConfigureAwait(false);
            LogDeleted(_logger, deployment.Metadata.NamespaceProperty ?? "", deployment.Metadata.Name);
        }
        catch (Exception e) when (KubeErrors.Is(e, HttpStatusCode.NotFound) || KubeErrors.Is(e, HttpStatusCode.Conflict))
        {
            // Gone already, or the name is another object's now.
        }
    }

    private void Signal()
    {
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
            // A pass is already due.
        }
    }

    [LoggerMessage(EventId = KubernetesEventIds.PoolCreated, Level = LogLevel.Information, Message = "created the {Runtime} pool in {Namespace} ({Size} pods)")]
    private static partial void LogCreated(ILogger logger, string @namespace, string runtime, int size);

    [LoggerMessage(EventId = KubernetesEventIds.PoolUpdated, Level = LogLevel.Information, Message = "updated the {Runtime} pool in {Namespace} ({Size} pods)")]
    private static partial void LogUpdated(ILogger logger, string @namespace, string runtime, int size);

    [LoggerMessage(EventId = KubernetesEventIds.PoolDeleted, Level = LogLevel.Information, Message = "deleted the pool Deployment {Namespace}/{Name}: no Function there needs it")]
    private static partial void LogDeleted(ILogger logger, string @namespace, string name);

    [LoggerMessage(EventId = KubernetesEventIds.PoolPodRetired, Level = LogLevel.Information, Message = "retired pool pod {Namespace}/{Pod} of function {Function}: {Reason}")]
    private static partial void LogRetired(ILogger logger, string @namespace, string pod, string function, string reason);

    [LoggerMessage(EventId = KubernetesEventIds.PoolPassFailed, Level = LogLevel.Warning, Message = "warm pool pass failed, retried: {Reason}")]
    private static partial void LogPassFailed(ILogger logger, string reason, Exception exception);
}
