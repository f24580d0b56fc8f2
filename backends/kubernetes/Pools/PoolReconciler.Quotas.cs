using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Serverless.Backends.Kubernetes.Pools;

/// <summary>
/// The pool reconciler's ResourceQuota side: each pool namespace's bound from its quotas (<see cref="PoolQuotaBudget"/>)
/// and LimitRanges (<see cref="PoolLimitRanges"/>), reported where it changes, and the hold of a pool whose pods the API
/// server refused.
/// </summary>
public sealed partial class PoolReconciler
{
    /// <summary>
    /// The bound of each pool namespace's quotas and LimitRanges (namespaces where neither bounds pool pods are left
    /// out), after <see cref="PoolQuotaBudget.Settle"/>; a change of a namespace's bound is logged and recorded as an
    /// Event on its pool Deployments (<paramref name="announce"/>, once the pass has them). The quotas judge the pool pod
    /// as its namespace's LimitRanges make it (<see cref="PoolLimitRanges"/>: their defaults fill what the pool options
    /// leave unset); a LimitRange that would refuse it gives 0.
    /// </summary>
    private async Task<Dictionary<string, int?>> QuotaCapsAsync(
        SortedSet<(string Namespace, string Runtime)> desired,
        Dictionary<(string, string), V1Deployment> live,
        DateTimeOffset now,
        Dictionary<string, (string Type, string Reason, string Message)> announce,
        CancellationToken cancellationToken)
    {
        var namespaces = desired.Select(d => d.Namespace).ToHashSet(StringComparer.Ordinal);
        IEnumerable<V1ResourceQuota> allQuotas = _quotas?.List()
            ?? (IEnumerable<V1ResourceQuota>?)(await _client.CoreV1.ListResourceQuotaForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Items
            ?? [];
        IEnumerable<V1LimitRange> allRanges = _limitRanges?.List()
            ?? (IEnumerable<V1LimitRange>?)(await _client.CoreV1.ListLimitRangeForAllNamespacesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Items
            ?? [];
        var quotas = ByNamespace(allQuotas, namespaces);
        var ranges = ByNamespace(allRanges, namespaces);
        var caps = new Dictionary<string, int?>(StringComparer.Ordinal);
        foreach (var ns in _limits.Keys.Where(ns => !quotas.ContainsKey(ns) && !ranges.ContainsKey(ns)).ToList())
        {
            if (namespaces.Contains(ns))
            {
                Report(ns, PoolQuotaLimit.None, announce);
            }
            else
            {
                // Its last pool went with its last Function: nothing is bounded there to report.
                _limits.Remove(ns);
                _shrunkAt.Remove(ns);
            }
        }

        if (quotas.Count == 0 && ranges.Count == 0)
        {
            return caps;
        }

        var template = PoolDeploymentBuilder.Build("", "", "", 0, "", _options.Resources).Spec.Template.Spec;
        IList<V1Pod> pods = quotas.Count == 0
            ? []
            : (await _client.CoreV1.ListPodForAllNamespacesAsync(labelSelector: PoolLabels.AnyPoolSelector, cancellationToken: cancellationToken).ConfigureAwait(false)).Items ?? [];
        foreach (var ns in quotas.Keys.Union(ranges.Keys).Order(StringComparer.Ordinal))
        {
            var check = PoolLimitRanges.Apply(template, ranges.GetValueOrDefault(ns) ?? []);
            var limit = check.Refusal
                ?? (quotas.TryGetValue(ns, out var list)
                    ? PoolQuotaBudget.Decide(list, check.Effective, pods.Where(p => p.Metadata?.NamespaceProperty == ns), _options.QuotaReservePercent)
                    : PoolQuotaLimit.None);

            // Reported only where it binds: a bound of 19 beside pools that want 3 is no news, and its moves are not either.
            var wanted = desired.Where(d => d.Namespace == ns).Sum(d => _options.SizeOf(d.Runtime));
            Report(ns, limit.MaxPods < wanted ? limit : PoolQuotaLimit.None, announce);
            if (limit.MaxPods is null)
            {
                continue;
            }

            var asked = live.Where(l => l.Key.Item1 == ns).Sum(l => l.Value.Spec?.Replicas ?? 0);
            if (limit.MaxPods is { } bound && bound < asked)
            {
                _shrunkAt[ns] = now;
            }

            caps[ns] = PoolQuotaBudget.Settle(limit.MaxPods, asked, _shrunkAt.TryGetValue(ns, out var at) ? at : null, now, QuotaSettle);
            if (caps[ns] != limit.MaxPods)
            {
                _settled?.Dispose();
                _settled = _time.CreateTimer(_ => Signal(), null, QuotaSettle - (now - at), Timeout.InfiniteTimeSpan);
            }
        }

        return caps;
    }

    private static Dictionary<string, List<T>> ByNamespace<T>(IEnumerable<T> objects, HashSet<string> namespaces)
        where T : IMetadata<V1ObjectMeta> =>
        objects
            .Where(o => namespaces.Contains(o.Metadata?.NamespaceProperty ?? ""))
            .GroupBy(o => o.Metadata!.NamespaceProperty!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

    private void Report(string ns, PoolQuotaLimit limit, Dictionary<string, (string Type, string Reason, string Message)> announce)
    {
        var before = _limits.GetValueOrDefault(ns) ?? PoolQuotaLimit.None;
        if (before.Key == limit.Key)
        {
            return;
        }

        if (limit.MaxPods is null)
        {
            _limits.Remove(ns);
            _shrunkAt.Remove(ns);
            LogQuotaCleared(_logger, ns);
        }
        else
        {
            _limits[ns] = limit;
            if (limit.Reason == PoolQuotaLimit.LimitRangeReason)
            {
                LogLimitRangeRefused(_logger, ns, limit.Message);
            }
            else
            {
                LogQuotaLimited(_logger, ns, limit.MaxPods.Value, limit.Message);
            }
        }

        announce[ns] = (
            limit.Refused ? Core.Contracts.EventTypes.Warning : Core.Contracts.EventTypes.Normal,
            limit.MaxPods is null ? "PoolQuotaCleared" : limit.Reason,
            limit.MaxPods is null ? $"No ResourceQuota or LimitRange of {ns} bounds the warm pools any more" : $"Warm pools of {ns} bounded to {limit.MaxPods} pods: {limit.Message}");
    }

    /// <summary>
    /// The pods a pool is held at because its ReplicaSet could not create more (the Deployment's ReplicaFailure
    /// condition: a quota, a LimitRange or an admission policy refused them), or null when it is not held. A new
    /// failure starts a hold of <see cref="RejectedHold"/> at the pods the pool has, reported once.
    /// </summary>
    private int? Rejected((string Namespace, string Runtime) key, V1Deployment? deployment, DateTimeOffset now)
    {
        var failure = deployment?.Status?.Conditions?.FirstOrDefault(c => c.Type == "ReplicaFailure" && c.Status == "True");
        if (failure is not null && (!_rejected.TryGetValue(key, out var current) || now >= current.Until))
        {
            var replicas = deployment!.Status?.Replicas ?? 0;
            var message = failure.Message ?? failure.Reason ?? "ReplicaFailure";
            _rejected[key] = (now + RejectedHold, replicas, message);
            LogPodsRejected(_logger, key.Namespace, key.Runtime, replicas, (int)RejectedHold.TotalSeconds, message);
            Record(
                deployment,
                Core.Contracts.EventTypes.Warning,
                "PoolPodsRejected",
                $"The {key.Runtime} pool's pods were refused ({message}): held at {replicas} pods for {(int)RejectedHold.TotalSeconds} s");
        }

        if (_rejected.TryGetValue(key, out var held))
        {
            if (now < held.Until)
            {
                return held.Replicas;
            }

            _rejected.Remove(key);
        }

        return null;
    }

    private void Record(V1Deployment deployment, string type, string reason, string message)
    {
        deployment.ApiVersion ??= "apps/v1";
        deployment.Kind ??= "Deployment";
        Events?.Record(deployment, type, reason, message);
    }

    [LoggerMessage(EventId = KubernetesEventIds.PoolQuotaLimited, Level = LogLevel.Information, Message = "warm pools of {Namespace} bounded to {MaxPods} pods: {Reason}")]
    private static partial void LogQuotaLimited(ILogger logger, string @namespace, int maxPods, string reason);

    [LoggerMessage(EventId = KubernetesEventIds.PoolLimitRangeRefused, Level = LogLevel.Warning, Message = "warm pools of {Namespace} get no pods: {Reason}")]
    private static partial void LogLimitRangeRefused(ILogger logger, string @namespace, string reason);

    [LoggerMessage(EventId = KubernetesEventIds.PoolQuotaCleared, Level = LogLevel.Information, Message = "no ResourceQuota or LimitRange of {Namespace} bounds its warm pools any more")]
    private static partial void LogQuotaCleared(ILogger logger, string @namespace);

    [LoggerMessage(EventId = KubernetesEventIds.PoolPodsRejected, Level = LogLevel.Warning, Message = "the {Runtime} pool of {Namespace} could not create pods, held at {Replicas} for {HoldSeconds} s: {Reason}")]
    private static partial void LogPodsRejected(ILogger logger, string @namespace, string runtime, int replicas, int holdSeconds, string reason);
}
