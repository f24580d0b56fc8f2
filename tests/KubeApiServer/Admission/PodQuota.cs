using System.Text.Json.Nodes;
using k8s.Models;

namespace Serverless.KubeApiServer.Admission;

/// <summary>
/// What a pod counts in a ResourceQuota, as v1.32's pod evaluator has it (k8s.io/kubernetes pkg/quota/v1/evaluator/core
/// pods.go): <c>pods</c> and <c>count/pods</c> 1; <c>requests.*</c> (and the bare <c>cpu</c>, <c>memory</c>,
/// <c>ephemeral-storage</c>) the sum of the containers' requests, a container without a request counting its limit (the
/// server defaults requests from limits); <c>limits.*</c> the sum of the limits. A pod in a terminal phase counts nothing.
/// Init containers, pod overhead and the PriorityClass and cross-namespace-affinity scopes are not modelled. Pure.
/// </summary>
internal static class PodQuota
{
    /// <summary>The resources the pod evaluator answers for; a quota's other resources (services, configmaps, …) are not enforced here.</summary>
    public static readonly IReadOnlySet<string> Resources = new HashSet<string>(StringComparer.Ordinal)
    {
        "pods", "count/pods", "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
        "limits.cpu", "limits.memory", "limits.ephemeral-storage",
    };

    // The resources a container must name once a quota constrains them: pods.go's validationSet, kept for backward compatibility.
    private static readonly string[] MustSpecify = ["cpu", "limits.cpu", "limits.memory", "memory", "requests.cpu", "requests.memory"];

    /// <summary>Whether the pod counts at all: not Succeeded or Failed.</summary>
    public static bool Counted(JsonObject pod) =>
        pod["status"]?["phase"]?.GetValue<string>() is not ("Succeeded" or "Failed");

    /// <summary>The pod's usage of each resource in <see cref="Resources"/> (0 where it has none).</summary>
    public static Dictionary<string, decimal> Usage(JsonObject pod)
    {
        var usage = new Dictionary<string, decimal>(StringComparer.Ordinal) { ["pods"] = 1, ["count/pods"] = 1 };
        foreach (var resource in (string[])["cpu", "memory", "ephemeral-storage"])
        {
            decimal requests = 0, limits = 0;
            foreach (var container in Containers(pod))
            {
                var limit = Quantity(container["resources"]?["limits"]?[resource]);
                requests += Quantity(container["resources"]?["requests"]?[resource]) ?? limit ?? 0;
                limits += limit ?? 0;
            }

            usage[resource] = requests;
            usage["requests." + resource] = requests;
            usage["limits." + resource] = limits;
        }

        return usage;
    }

    /// <summary>
    /// The evaluator's Constraints: <c>must specify limits.cpu for: app; requests.cpu for: app</c> for the resources of
    /// <paramref name="constrained"/> a container does not name, or null when every container names them all.
    /// </summary>
    public static string? Missing(JsonObject pod, IEnumerable<string> constrained)
    {
        var required = constrained.Intersect(MustSpecify, StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);
        var missing = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var container in Containers(pod))
        {
            var named = new HashSet<string>(StringComparer.Ordinal);
            foreach (var resource in (string[])["cpu", "memory"])
            {
                var limit = container["resources"]?["limits"]?[resource] is not null;
                if (container["resources"]?["requests"]?[resource] is not null || limit)
                {
                    named.Add(resource);
                    named.Add("requests." + resource);
                }

                if (limit)
                {
                    named.Add("limits." + resource);
                }
            }

            foreach (var resource in required.Where(r => !named.Contains(r)))
            {
                if (!missing.TryGetValue(resource, out var names))
                {
                    missing[resource] = names = new SortedSet<string>(StringComparer.Ordinal);
                }

                names.Add(container["name"]?.GetValue<string>() ?? "");
            }
        }

        return missing.Count == 0 ? null : "must specify " + string.Join("; ", missing.Select(m => $"{m.Key} for: {string.Join(",", m.Value)}"));
    }

    /// <summary>Whether the quota's scopes select the pod (Terminating, NotTerminating, BestEffort, NotBestEffort; others are not modelled and select every pod).</summary>
    public static bool Matches(JsonObject quota, JsonObject pod)
    {
        var scopes = (quota["spec"]?["scopes"] as JsonArray)?.Select(s => s?.GetValue<string>()).ToList() ?? [];
        foreach (var expression in (quota["spec"]?["scopeSelector"]?["matchExpressions"] as JsonArray) ?? [])
        {
            if (expression?["operator"]?.GetValue<string>() == "Exists")
            {
                scopes.Add(expression["scopeName"]?.GetValue<string>());
            }
        }

        var terminating = pod["spec"]?["activeDeadlineSeconds"] is not null;
        var bestEffort = Containers(pod).All(c => c["resources"]?["requests"] is not JsonObject { Count: > 0 } && c["resources"]?["limits"] is not JsonObject { Count: > 0 });
        return scopes.All(scope => scope switch
        {
            "Terminating" => terminating,
            "NotTerminating" => !terminating,
            "BestEffort" => bestEffort,
            "NotBestEffort" => !bestEffort,
            _ => true,
        });
    }

    public static decimal? Quantity(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? new ResourceQuantity(text).ToDecimal()
        : node is JsonValue number && number.TryGetValue<decimal>(out var n) ? n
        : null;

    /// <summary>A quantity as the server prints it: canonical, in the format of <paramref name="like"/> (a binary-SI hard keeps used in Mi/Gi).</summary>
    public static string Format(decimal value, JsonNode? like)
    {
        var format = like is JsonValue v && v.TryGetValue<string>(out var text) ? new ResourceQuantity(text).Format : ResourceQuantity.SuffixFormat.DecimalSI;
        return new ResourceQuantity(value, 0, format).CanonicalizeString();
    }

    private static IEnumerable<JsonObject> Containers(JsonObject pod) =>
        (pod["spec"]?["containers"] as JsonArray)?.OfType<JsonObject>() ?? [];
}
