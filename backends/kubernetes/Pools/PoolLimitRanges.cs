using System.Globalization;
using k8s.Models;

namespace Serverless.Backends.Kubernetes.Pools;

/// <summary>
/// What a namespace's LimitRanges make of the pool pods, as the API server's defaulting and v1.32's LimitRanger
/// admission plugin would, before the quota admission sees them. Pure.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>A LimitRange's Container items as the server stores them (<c>SetDefaults_LimitRangeItem</c>, applied here
/// too, idempotent): <c>default</c> from <c>max</c>, then <c>defaultRequest</c> from <c>default</c>, then from
/// <c>min</c>.</item>
/// <item>The pod's own defaulting: a container's request that is missing where its limit is set is that limit.</item>
/// <item>Per LimitRange, in name order (the plugin's order is its cache's, not defined), a container's missing limits
/// come from the Container items' <c>default</c> and its missing requests from <c>defaultRequest</c>.</item>
/// <item>A request above its limit after that makes the pod invalid (the server's 422); then each LimitRange's
/// Container and Pod items' <c>min</c>, <c>max</c> and <c>maxLimitRequestRatio</c> refuse it (403).</item>
/// </list>
/// Worked: <c>pool-requests-cpu</c> unset, a LimitRange with <c>defaultRequest: {cpu: 250m}</c> → the pool pod requests
/// 250m, so a <c>requests.cpu: 2</c> quota with 1 cpu used by functions and 20 % kept holds ⌊(1600m − 1000m)/250m⌋ = 2.
/// Quantities are compared exactly (the plugin compares milli-values, rounding sub-milli amounts up).
/// </remarks>
internal static class PoolLimitRanges
{
    /// <summary>The pool pod spec with the namespace's LimitRanges applied, and the refusal when they would refuse it.</summary>
    /// <param name="template">The pool pods' spec as the controller writes it.</param>
    /// <param name="limitRanges">The namespace's LimitRanges.</param>
    public static PoolLimitRangeCheck Apply(V1PodSpec template, IEnumerable<V1LimitRange> limitRanges)
    {
        var ranges = limitRanges.OrderBy(r => r.Metadata?.Name, StringComparer.Ordinal).ToList();
        var containers = (template.Containers ?? []).Select(c => (c.Name, Requests: Copy(c.Resources?.Requests), Limits: Copy(c.Resources?.Limits))).ToList();
        foreach (var (_, requests, limits) in containers)
        {
            FillMissing(requests, limits);
        }

        foreach (var range in ranges)
        {
            var (defaultRequests, defaultLimits) = Defaults(range);
            foreach (var (_, requests, limits) in containers)
            {
                FillMissing(limits, defaultLimits);
                FillMissing(requests, defaultRequests);
            }
        }

        var effective = new V1PodSpec
        {
            Containers = [.. (template.Containers ?? []).Zip(containers, (c, e) => new V1Container
            {
                Name = c.Name,
                Image = c.Image,
                Resources = new V1ResourceRequirements { Requests = e.Requests, Limits = e.Limits },
            })],
            ActiveDeadlineSeconds = template.ActiveDeadlineSeconds,
        };

        PoolQuotaLimit? refusal = null;
        foreach (var (name, requests, limits) in containers)
        {
            foreach (var (resource, request) in requests.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                if (limits.TryGetValue(resource, out var limit) && request.ToDecimal() > limit.ToDecimal())
                {
                    refusal ??= Refused(
                        ranges.FirstOrDefault(r => GivesDefaultLimit(r, resource)) ?? ranges.FirstOrDefault(),
                        resource,
                        $"container {name} requests {resource} {Print(request)} above its limit {Print(limit)}, which the API server refuses as invalid",
                        [Option("limits", resource)]);
                }
            }
        }

        foreach (var range in ranges)
        {
            if (refusal is not null)
            {
                break;
            }

            foreach (var item in range.Spec?.Limits ?? [])
            {
                IEnumerable<(IDictionary<string, ResourceQuantity> Requests, IDictionary<string, ResourceQuantity> Limits)> subjects = item.Type switch
                {
                    "Container" => containers.Select(c => ((IDictionary<string, ResourceQuantity>)c.Requests, (IDictionary<string, ResourceQuantity>)c.Limits)),
                    "Pod" => [(Sum(containers.Select(c => c.Requests)), Sum(containers.Select(c => c.Limits)))],
                    _ => [],
                };
                foreach (var (requests, limits) in subjects)
                {
                    if (Violation(item, requests, limits) is { } violation)
                    {
                        refusal ??= Refused(range, violation.Resource, violation.Message, violation.Options);
                    }
                }
            }
        }

        return new PoolLimitRangeCheck(effective, refusal);
    }

    /// <summary>The first of the item's bounds the requests and limits break, in the plugin's words, with the pool options that would meet it.</summary>
    private static (string Resource, string Message, string[] Options)? Violation(V1LimitRangeItem item, IDictionary<string, ResourceQuantity> requests, IDictionary<string, ResourceQuantity> limits)
    {
        var type = item.Type;
        foreach (var (resource, min) in Sorted(item.Min))
        {
            var bound = Print(min);
            if (!requests.TryGetValue(resource, out var request))
            {
                return (resource, $"minimum {resource} usage per {type} is {bound}.  No request is specified", [Option("requests", resource)]);
            }

            if (request.ToDecimal() < min.ToDecimal())
            {
                return (resource, $"minimum {resource} usage per {type} is {bound}, but request is {Print(request)}", [Option("requests", resource)]);
            }

            if (limits.TryGetValue(resource, out var limit) && limit.ToDecimal() < min.ToDecimal())
            {
                return (resource, $"minimum {resource} usage per {type} is {bound}, but limit is {Print(limit)}", [Option("limits", resource)]);
            }
        }

        foreach (var (resource, max) in Sorted(item.Max))
        {
            var bound = Print(max);
            if (!limits.TryGetValue(resource, out var limit))
            {
                return (resource, $"maximum {resource} usage per {type} is {bound}.  No limit is specified", [Option("limits", resource)]);
            }

            if (limit.ToDecimal() > max.ToDecimal())
            {
                return (resource, $"maximum {resource} usage per {type} is {bound}, but limit is {Print(limit)}", [Option("limits", resource)]);
            }

            if (requests.TryGetValue(resource, out var request) && request.ToDecimal() > max.ToDecimal())
            {
                return (resource, $"maximum {resource} usage per {type} is {bound}, but request is {Print(request)}", [Option("requests", resource)]);
            }
        }

        foreach (var (resource, ratio) in Sorted(item.MaxLimitRequestRatio))
        {
            var bound = Print(ratio);
            if (!requests.TryGetValue(resource, out var request) || request.ToDecimal() == 0)
            {
                return (resource, $"{resource} max limit to request ratio per {type} is {bound}, but no request is specified or request is 0", [Option("requests", resource)]);
            }

            if (!limits.TryGetValue(resource, out var limit) || limit.ToDecimal() == 0)
            {
                return (resource, $"{resource} max limit to request ratio per {type} is {bound}, but no limit is specified or limit is 0", [Option("limits", resource)]);
            }

            var observed = limit.ToDecimal() / request.ToDecimal();
            if (observed > ratio.ToDecimal())
            {
                return (resource, string.Create(CultureInfo.InvariantCulture, $"{resource} max limit to request ratio per {type} is {bound}, but provided ratio is {observed:F6}"), [Option("requests", resource), Option("limits", resource)]);
            }
        }

        return null;
    }

    private static PoolQuotaLimit Refused(V1LimitRange? range, string resource, string cause, string[] options)
    {
        var name = $"{range?.Metadata?.NamespaceProperty}/{range?.Metadata?.Name}";
        var set = options.Any(o => o.Length == 0)
            ? $"no pool option sets {resource}: ask for the LimitRange to change"
            : $"set {string.Join(" and ", options)}";
        return new PoolQuotaLimit(
            0, "LimitRange " + name, resource,
            $"LimitRange {name} refuses the pool's pods: {cause} ({set})",
            Refused: true,
            Reason: PoolQuotaLimit.LimitRangeReason);
    }

    /// <summary>The option that sets a pool pod's request or limit of the resource; empty where none does (ephemeral-storage, extended resources).</summary>
    private static string Option(string kind, string resource) =>
        resource is "cpu" or "memory" ? $"pool-{kind}-{resource}" : "";

    /// <summary>A LimitRange's Container defaults as the plugin merges them (later items overwrite), after the server's defaulting of its items.</summary>
    private static (Dictionary<string, ResourceQuantity> Requests, Dictionary<string, ResourceQuantity> Limits) Defaults(V1LimitRange range)
    {
        var requests = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        var limits = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        foreach (var item in (range.Spec?.Limits ?? []).Where(i => i.Type == "Container"))
        {
            var defaultLimits = Copy(item.DefaultProperty);
            FillMissing(defaultLimits, item.Max);
            var defaultRequests = Copy(item.DefaultRequest);
            FillMissing(defaultRequests, defaultLimits);
            FillMissing(defaultRequests, item.Min);
            foreach (var (resource, quantity) in defaultRequests)
            {
                requests[resource] = quantity;
            }

            foreach (var (resource, quantity) in defaultLimits)
            {
                limits[resource] = quantity;
            }
        }

        return (requests, limits);
    }

    /// <summary>Whether the LimitRange gives containers a default limit of the resource (its default, or its max).</summary>
    private static bool GivesDefaultLimit(V1LimitRange range, string resource) =>
        (range.Spec?.Limits ?? []).Any(i => i.Type == "Container" && (i.DefaultProperty?.ContainsKey(resource) == true || i.Max?.ContainsKey(resource) == true));

    /// <summary>Sums each resource any of the lists names (the plugin's pod totals; pool pods have no init containers), in the first term's format.</summary>
    private static Dictionary<string, ResourceQuantity> Sum(IEnumerable<Dictionary<string, ResourceQuantity>> lists)
    {
        var sums = new Dictionary<string, (decimal Value, ResourceQuantity.SuffixFormat Format)>(StringComparer.Ordinal);
        foreach (var list in lists)
        {
            foreach (var (resource, quantity) in list)
            {
                sums[resource] = sums.TryGetValue(resource, out var sum) ? (sum.Value + quantity.ToDecimal(), sum.Format) : (quantity.ToDecimal(), quantity.Format);
            }
        }

        return sums.ToDictionary(s => s.Key, s => new ResourceQuantity(s.Value.Value, 0, s.Value.Format), StringComparer.Ordinal);
    }

    private static void FillMissing(Dictionary<string, ResourceQuantity> into, IDictionary<string, ResourceQuantity>? from)
    {
        foreach (var (resource, quantity) in from ?? new Dictionary<string, ResourceQuantity>())
        {
            if (quantity is not null)
            {
                into.TryAdd(resource, quantity);
            }
        }
    }

    private static Dictionary<string, ResourceQuantity> Copy(IDictionary<string, ResourceQuantity>? from)
    {
        var copy = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        FillMissing(copy, from);
        return copy;
    }

    private static IEnumerable<(string Resource, ResourceQuantity Quantity)> Sorted(IDictionary<string, ResourceQuantity>? list) =>
        (list ?? new Dictionary<string, ResourceQuantity>()).Where(q => q.Value is not null).OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => (q.Key, q.Value));

    private static string Print(ResourceQuantity quantity) => quantity.CanonicalizeString();
}
