using System.Globalization;
using k8s.Models;

namespace Serverless.Backends.Kubernetes.Pools;

/// <summary>The controller's pool options besides the sizes: the pool pods' resources and the quota reserve.</summary>
public static class PoolOptionsParser
{
    /// <summary>The option keys, for the component's list of known keys.</summary>
    public static readonly IReadOnlyList<string> Keys = ["pool-requests-cpu", "pool-requests-memory", "pool-limits-cpu", "pool-limits-memory", "pool-quota-reserve"];

    /// <summary>
    /// <c>pool-requests-{cpu,memory}</c> and <c>pool-limits-{cpu,memory}</c>, Kubernetes quantities greater than 0, a limit
    /// not below its request; null when none is given (the pool's pods then have no resources, and a namespace whose
    /// quota constrains cpu or memory gets no pool).
    /// </summary>
    public static V1ResourceRequirements? Resources(IReadOnlyDictionary<string, string> values, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(problems);
        Dictionary<string, ResourceQuantity>? requests = null, limits = null;
        foreach (var (kind, resource) in (ReadOnlySpan<(string, string)>)[("requests", "cpu"), ("requests", "memory"), ("limits", "cpu"), ("limits", "memory")])
        {
            var key = $"pool-{kind}-{resource}";
            if (!values.TryGetValue(key, out var text))
            {
                continue;
            }

            ResourceQuantity? quantity = null;
            try
            {
                quantity = new ResourceQuantity(text);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
            {
            }

            if (quantity is null || quantity.ToDecimal() <= 0)
            {
                problems.Add($"{key} = \"{Core.Naming.Names.Printable(text)}\": expected a Kubernetes quantity greater than 0, such as {(resource == "cpu" ? "100m" : "128Mi")}");
                continue;
            }

            var target = kind == "requests" ? requests ??= new(StringComparer.Ordinal) : limits ??= new(StringComparer.Ordinal);
            target[resource] = quantity;
        }

        foreach (var resource in (string[])["cpu", "memory"])
        {
            if (requests?.GetValueOrDefault(resource) is { } request && limits?.GetValueOrDefault(resource) is { } limit && limit.ToDecimal() < request.ToDecimal())
            {
                problems.Add($"pool-limits-{resource} = {limit}: must not be below pool-requests-{resource} = {request}");
            }
        }

        return requests is null && limits is null ? null : new V1ResourceRequirements { Requests = requests, Limits = limits };
    }

    /// <summary><c>pool-quota-reserve</c>: 0..90 percent, default <see cref="KubernetesPoolOptions.DefaultQuotaReservePercent"/>.</summary>
    public static int QuotaReserve(IReadOnlyDictionary<string, string> values, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(problems);
        if (!values.TryGetValue("pool-quota-reserve", out var text))
        {
            return KubernetesPoolOptions.DefaultQuotaReservePercent;
        }

        if (int.TryParse(text.TrimEnd('%'), NumberStyles.None, CultureInfo.InvariantCulture, out var percent) && percent <= KubernetesPoolOptions.MaxQuotaReservePercent)
        {
            return percent;
        }

        problems.Add($"pool-quota-reserve = \"{Core.Naming.Names.Printable(text)}\": expected a percentage in 0..{KubernetesPoolOptions.MaxQuotaReservePercent} (the share of each namespace's ResourceQuota the pools never take)");
        return KubernetesPoolOptions.DefaultQuotaReservePercent;
    }
}
