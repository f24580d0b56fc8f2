using System.Net;
using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.Hosting.KubeApi.Selectors;
using Serverless.KubeApiServer.Admission;
using static Serverless.KubeApiServer.Storage.ObjectJson;

namespace Serverless.KubeApiServer.Storage;

/// <summary>
/// ResourceQuota for pods, as v1.32's ResourceQuota admission plugin and quota controller do it: a pod create that a
/// quota of its namespace cannot hold answers 403 Forbidden (<c>exceeded quota: NAME, requested: …, used: …,
/// limited: …</c>; <c>failed quota: NAME: must specify …</c> for a container without the requests or limits the quota
/// constrains), whoever creates it (a client, or the simulated ReplicaSet controller). The real server's <c>status
/// unknown for quota</c> (a quota its controller has not computed yet) cannot happen here: the status is computed in
/// the write that creates the quota. Each quota's <c>status.hard</c> follows <c>spec.hard</c> and
/// <c>status.used</c> the pods that count, recomputed at once on every pod and quota change (the real controller's
/// replenishment lags by up to a second; a test of lag writes the status itself). Only pod resources are enforced.
/// </summary>
internal sealed partial class ObjectStore
{
    private bool _recomputingQuotas;

    /// <summary>
    /// The admission of a pod about to be created in <paramref name="ns"/>, in v1.32's plugin order: LimitRanger's
    /// defaults (which change <paramref name="pod"/>), the pod validation's request ≤ limit (422), LimitRanger's
    /// checks, then the quotas, on the defaulted pod; throws 422 or 403 as the real server answers.
    /// </summary>
    private void AdmitPodLocked(string ns, JsonObject pod)
    {
        var name = Metadata(pod)["name"]?.GetValue<string>() ?? "";
        var ranges = Matching(ResourceTypes.LimitRanges, ns, LabelSelector.Everything, FieldSelector.Everything)
            .OrderBy(r => Metadata(r)["name"]!.GetValue<string>(), StringComparer.Ordinal)
            .ToList();
        LimitRanger.Mutate(pod, ranges);
        if (LimitRanger.RequestsAboveLimits(pod) is { Count: > 0 } invalid)
        {
            throw ApiException.Invalid("Pod", "", name, invalid);
        }

        if (LimitRanger.Validate(pod, ranges) is { } refused)
        {
            throw Forbidden(name, refused);
        }

        var quotas = Matching(ResourceTypes.ResourceQuotas, ns, LabelSelector.Everything, FieldSelector.Everything)
            .Where(q => PodQuota.Matches(q, pod))
            .OrderBy(q => Metadata(q)["name"]!.GetValue<string>(), StringComparer.Ordinal)
            .ToList();
        var usage = PodQuota.Usage(pod);
        foreach (var quota in quotas)
        {
            var quotaName = Metadata(quota)["name"]!.GetValue<string>();
            var hard = quota["status"]?["hard"] as JsonObject ?? new JsonObject();
            var restricted = hard.Select(h => h.Key).Where(PodQuota.Resources.Contains).Order(StringComparer.Ordinal).ToList();
            if (PodQuota.Missing(pod, restricted) is { } missing)
            {
                throw Forbidden(name, $"failed quota: {quotaName}: {missing}");
            }
        }

        foreach (var quota in quotas)
        {
            var hard = (JsonObject)quota["status"]!["hard"]!;
            var used = (JsonObject)quota["status"]!["used"]!;
            var exceeded = hard
                .Where(h => PodQuota.Resources.Contains(h.Key) && usage.GetValueOrDefault(h.Key) > 0
                    && (PodQuota.Quantity(used[h.Key]) ?? 0) + usage[h.Key] > (PodQuota.Quantity(h.Value) ?? 0))
                .Select(h => h.Key)
                .Order(StringComparer.Ordinal)
                .ToList();
            if (exceeded.Count > 0)
            {
                string Print(Func<string, string> value) => string.Join(",", exceeded.Select(r => $"{r}={value(r)}"));
                throw Forbidden(
                    name,
                    $"exceeded quota: {Metadata(quota)["name"]!.GetValue<string>()}, requested: {Print(r => PodQuota.Format(usage[r], hard[r]))}, "
                    + $"used: {Print(r => used[r]!.GetValue<string>())}, limited: {Print(r => hard[r]!.GetValue<string>())}");
            }
        }
    }

    /// <summary>The quota controller: every quota of <paramref name="ns"/> gets <c>status.hard</c> = <c>spec.hard</c> and <c>status.used</c> from the pods that count now.</summary>
    private void RecomputeQuotasLocked(string ns)
    {
        if (_recomputingQuotas)
        {
            return;
        }

        _recomputingQuotas = true;
        try
        {
            var pods = Matching(ResourceTypes.Pods, ns, LabelSelector.Everything, FieldSelector.Everything).Where(PodQuota.Counted).ToList();
            foreach (var quota in Matching(ResourceTypes.ResourceQuotas, ns, LabelSelector.Everything, FieldSelector.Everything).ToList())
            {
                var hard = quota["spec"]?["hard"]?.DeepClone() as JsonObject ?? new JsonObject();
                var used = new JsonObject();
                var matched = pods.Where(p => PodQuota.Matches(quota, p)).Select(PodQuota.Usage).ToList();
                foreach (var (resource, limit) in hard)
                {
                    if (PodQuota.Resources.Contains(resource))
                    {
                        used[resource] = PodQuota.Format(matched.Sum(u => u.GetValueOrDefault(resource)), limit);
                    }
                }

                var status = new JsonObject { ["hard"] = hard, ["used"] = used };
                if (JsonNode.DeepEquals(status, quota["status"]))
                {
                    continue;
                }

                var next = (JsonObject)quota.DeepClone();
                next["status"] = status;
                Metadata(next)["resourceVersion"] = Next();
                Commit(ResourceTypes.ResourceQuotas, ChangeType.Modified, Key(ResourceTypes.ResourceQuotas, ns, Metadata(quota)["name"]!.GetValue<string>()), next, quota);
            }
        }
        finally
        {
            _recomputingQuotas = false;
        }
    }

    private static ApiException Forbidden(string pod, string cause) =>
        new(HttpStatusCode.Forbidden, "Forbidden", $"pods \"{pod}\" is forbidden: {cause}", ApiException.StatusDetails(pod, "", "pods"));
}
