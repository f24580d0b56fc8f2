using System.Globalization;
using System.Text.Json.Nodes;
using k8s.Models;
using Serverless.Hosting.KubeApi.Validation;

namespace Serverless.KubeApiServer.Admission;

/// <summary>
/// LimitRange for pods, as v1.32's LimitRanger admission plugin and the API server's defaulting have it. Pure.
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>A stored LimitRange's Container items are defaulted (<see cref="DefaultItems"/>, the server's
/// <c>SetDefaults_LimitRangeItem</c>): <c>default</c> from <c>max</c>, then <c>defaultRequest</c> from <c>default</c>, then
/// from <c>min</c>. So a LimitRange that names only a default limit also gives a default request of the same amount.</item>
/// <item>A pod is decoded with each container's missing requests taken from its limits (<see cref="DefaultPod"/>,
/// <c>SetDefaults_Pod</c>), before any admission.</item>
/// <item>Mutation (<see cref="Mutate"/>): per LimitRange of the namespace, in name order here (the real plugin's
/// lister order is not defined), each container's and init container's missing limits come from the Container items'
/// <c>default</c> and missing requests from <c>defaultRequest</c>; the pod is annotated
/// <c>kubernetes.io/limit-ranger: LimitRanger plugin set: cpu request for container app; cpu limit for container app</c>.</item>
/// <item>Validation (<see cref="Validate"/>): per LimitRange, the first that refuses answers 403 with its errors, one
/// as is, several as <c>[a, b]</c> (utilerrors' aggregate): Container items' <c>min</c>, <c>max</c> and
/// <c>maxLimitRequestRatio</c> per container, Pod items' on the pod's sums, in the plugin's words (<c>minimum cpu usage
/// per Container is 100m, but request is 50m</c>). Within one item, resources are checked in name order (the real
/// plugin iterates a map: its order is random).</item>
/// </list>
/// Then the ResourceQuota admission sees the defaulted pod. Not modelled: quantities are compared exactly (the plugin
/// compares milli-values, rounding a sub-milli amount up), PersistentVolumeClaim items, in-place resize, the plugin's
/// live lookup when its cache is empty (the double's store is always current), and the LimitRange's own validation.
/// Between the mutation and the checks, the pod validation's request ≤ limit is applied (<see cref="RequestsAboveLimits"/>).
/// </remarks>
internal static class LimitRanger
{
    private const string Annotation = "kubernetes.io/limit-ranger";

    /// <summary>The server's defaulting of a LimitRange's Container items (done on every write of one).</summary>
    public static void DefaultItems(JsonObject limitRange)
    {
        foreach (var item in Items(limitRange).Where(i => i["type"]?.GetValue<string>() == "Container"))
        {
            var defaults = item["default"] as JsonObject ?? new JsonObject();
            var defaultRequest = item["defaultRequest"] as JsonObject ?? new JsonObject();
            CopyMissing(item["max"] as JsonObject, defaults);
            CopyMissing(defaults, defaultRequest);
            CopyMissing(item["min"] as JsonObject, defaultRequest);
            item["default"] = defaults;
            item["defaultRequest"] = defaultRequest;
        }
    }

    /// <summary>The server's pod defaulting: a container's request that is missing where its limit is given is that limit.</summary>
    public static void DefaultPod(JsonObject pod)
    {
        foreach (var container in Containers(pod, "containers").Concat(Containers(pod, "initContainers")))
        {
            if (container["resources"]?["limits"] is JsonObject { Count: > 0 } limits)
            {
                var resources = (JsonObject)container["resources"]!;
                var requests = resources["requests"] as JsonObject ?? new JsonObject();
                CopyMissing(limits, requests);
                resources["requests"] = requests;
            }
        }
    }

    /// <summary>The plugin's mutation: the LimitRanges' Container defaults fill what each container leaves unset.</summary>
    public static void Mutate(JsonObject pod, IEnumerable<JsonObject> limitRanges)
    {
        foreach (var limitRange in limitRanges)
        {
            var defaultLimits = new JsonObject();
            var defaultRequests = new JsonObject();
            foreach (var item in Items(limitRange).Where(i => i["type"]?.GetValue<string>() == "Container"))
            {
                Overwrite(item["defaultRequest"] as JsonObject, defaultRequests);
                Overwrite(item["default"] as JsonObject, defaultLimits);
            }

            var notes = new List<string>();
            foreach (var (field, prefix) in (ReadOnlySpan<(string, string)>)[("containers", "container"), ("initContainers", "init container")])
            {
                foreach (var container in Containers(pod, field))
                {
                    var resources = container["resources"] as JsonObject ?? new JsonObject();
                    container["resources"] = resources;
                    var limits = resources["limits"] as JsonObject ?? new JsonObject();
                    var requests = resources["requests"] as JsonObject ?? new JsonObject();
                    var setLimits = CopyMissing(defaultLimits, limits);
                    var setRequests = CopyMissing(defaultRequests, requests);
                    resources["limits"] = limits;
                    resources["requests"] = requests;
                    var name = container["name"]?.GetValue<string>() ?? "";
                    if (setRequests.Count > 0)
                    {
                        notes.Add($"{string.Join(", ", setRequests.Order(StringComparer.Ordinal))} request for {prefix} {name}");
                    }

                    if (setLimits.Count > 0)
                    {
                        notes.Add($"{string.Join(", ", setLimits.Order(StringComparer.Ordinal))} limit for {prefix} {name}");
                    }
                }
            }

            if (notes.Count > 0)
            {
                var metadata = pod["metadata"] as JsonObject ?? new JsonObject();
                pod["metadata"] = metadata;
                var annotations = metadata["annotations"] as JsonObject ?? new JsonObject();
                metadata["annotations"] = annotations;
                annotations[Annotation] = "LimitRanger plugin set: " + string.Join("; ", notes);
            }
        }
    }

    /// <summary>
    /// The pod validation that runs between the mutating and the validating admission: a container's request above its
    /// limit (the user's, or a LimitRange's default limit below the user's request) makes the pod invalid, 422
    /// <c>spec.containers[0].resources.requests: Invalid value: "600m": must be less than or equal to cpu limit of 500m</c>
    /// (resources in name order here; the server iterates a map).
    /// </summary>
    public static IReadOnlyList<FieldError> RequestsAboveLimits(JsonObject pod)
    {
        var errors = new List<FieldError>();
        foreach (var field in (string[])["containers", "initContainers"])
        {
            var index = 0;
            foreach (var container in Containers(pod, field))
            {
                var limits = Quantities(container["resources"]?["limits"]);
                foreach (var (resource, request) in Sorted(container["resources"]?["requests"]))
                {
                    if (limits.TryGetValue(resource, out var limit) && request.ToDecimal() > limit.ToDecimal())
                    {
                        errors.Add(FieldError.Invalid(
                            $"spec.{field}[{index}].resources.requests", Print(request), $"must be less than or equal to {resource} limit of {Print(limit)}"));
                    }
                }

                index++;
            }
        }

        return errors;
    }

    /// <summary>The plugin's validation: the first LimitRange the pod does not meet, as the 403's cause, or null when it meets them all.</summary>
    public static string? Validate(JsonObject pod, IEnumerable<JsonObject> limitRanges)
    {
        foreach (var limitRange in limitRanges)
        {
            var errors = new List<string>();
            foreach (var item in Items(limitRange))
            {
                switch (item["type"]?.GetValue<string>())
                {
                    case "Container":
                        foreach (var container in Containers(pod, "containers").Concat(Containers(pod, "initContainers")))
                        {
                            Check("Container", item, Quantities(container["resources"]?["requests"]), Quantities(container["resources"]?["limits"]), errors);
                        }

                        break;
                    case "Pod":
                        Check("Pod", item, PodTotals(pod, "requests"), PodTotals(pod, "limits"), errors);
                        break;
                }
            }

            var distinct = errors.Distinct(StringComparer.Ordinal).ToList();
            if (distinct.Count > 0)
            {
                return distinct.Count == 1 ? distinct[0] : "[" + string.Join(", ", distinct) + "]";
            }
        }

        return null;
    }

    private static void Check(string type, JsonObject item, Dictionary<string, ResourceQuantity> requests, Dictionary<string, ResourceQuantity> limits, List<string> errors)
    {
        foreach (var (resource, enforced) in Sorted(item["min"]))
        {
            var bound = Print(enforced);
            if (!requests.TryGetValue(resource, out var request))
            {
                errors.Add($"minimum {resource} usage per {type} is {bound}.  No request is specified");
            }
            else if (request.ToDecimal() < enforced.ToDecimal())
            {
                errors.Add($"minimum {resource} usage per {type} is {bound}, but request is {Print(request)}");
            }
            else if (limits.TryGetValue(resource, out var limit) && limit.ToDecimal() < enforced.ToDecimal())
            {
                errors.Add($"minimum {resource} usage per {type} is {bound}, but limit is {Print(limit)}");
            }
        }

        foreach (var (resource, enforced) in Sorted(item["max"]))
        {
            var bound = Print(enforced);
            if (!limits.TryGetValue(resource, out var limit))
            {
                errors.Add($"maximum {resource} usage per {type} is {bound}.  No limit is specified");
            }
            else if (limit.ToDecimal() > enforced.ToDecimal())
            {
                errors.Add($"maximum {resource} usage per {type} is {bound}, but limit is {Print(limit)}");
            }
            else if (requests.TryGetValue(resource, out var request) && request.ToDecimal() > enforced.ToDecimal())
            {
                errors.Add($"maximum {resource} usage per {type} is {bound}, but request is {Print(request)}");
            }
        }

        foreach (var (resource, enforced) in Sorted(item["maxLimitRequestRatio"]))
        {
            var bound = Print(enforced);
            if (!requests.TryGetValue(resource, out var request) || request.ToDecimal() == 0)
            {
                errors.Add($"{resource} max limit to request ratio per {type} is {bound}, but no request is specified or request is 0");
            }
            else if (!limits.TryGetValue(resource, out var limit) || limit.ToDecimal() == 0)
            {
                errors.Add($"{resource} max limit to request ratio per {type} is {bound}, but no limit is specified or limit is 0");
            }
            else
            {
                var ratio = (double)limit.ToDecimal() / (double)request.ToDecimal();
                if (ratio > (double)enforced.ToDecimal())
                {
                    errors.Add(string.Create(CultureInfo.InvariantCulture, $"{resource} max limit to request ratio per {type} is {bound}, but provided ratio is {ratio:F6}"));
                }
            }
        }
    }

    /// <summary>
    /// The pod's requests or limits as the plugin sums them: the containers' (each resource any of them names), then
    /// at least each init container's, a restartable (sidecar) init container adding to the containers'. A sum keeps
    /// the format of its first term (Quantity.Add), so 512Mi + 512Mi prints 1Gi.
    /// </summary>
    private static Dictionary<string, ResourceQuantity> PodTotals(JsonObject pod, string field)
    {
        var totals = new Dictionary<string, (decimal Value, ResourceQuantity.SuffixFormat Format)>(StringComparer.Ordinal);
        foreach (var container in Containers(pod, "containers"))
        {
            Add(totals, Quantities(container["resources"]?[field]));
        }

        var sidecars = new Dictionary<string, (decimal Value, ResourceQuantity.SuffixFormat Format)>(StringComparer.Ordinal);
        var init = new Dictionary<string, (decimal Value, ResourceQuantity.SuffixFormat Format)>(StringComparer.Ordinal);
        foreach (var container in Containers(pod, "initContainers"))
        {
            var own = Quantities(container["resources"]?[field]);
            Dictionary<string, (decimal Value, ResourceQuantity.SuffixFormat Format)> effective;
            if (container["restartPolicy"]?.GetValue<string>() == "Always")
            {
                Add(totals, own);
                Add(sidecars, own);
                effective = sidecars;
            }
            else
            {
                effective = new(sidecars, StringComparer.Ordinal);
                Add(effective, own);
            }

            KeepLarger(init, effective);
        }

        KeepLarger(totals, init);
        return totals.ToDictionary(t => t.Key, t => new ResourceQuantity(t.Value.Value, 0, t.Value.Format), StringComparer.Ordinal);
    }

    private static void Add(Dictionary<string, (decimal Value, ResourceQuantity.SuffixFormat Format)> totals, Dictionary<string, ResourceQuantity> quantities)
    {
        foreach (var (resource, quantity) in quantities)
        {
            totals[resource] = totals.TryGetValue(resource, out var sum) ? (sum.Value + quantity.ToDecimal(), sum.Format) : (quantity.ToDecimal(), quantity.Format);
        }
    }

    private static void KeepLarger(Dictionary<string, (decimal Value, ResourceQuantity.SuffixFormat Format)> into, Dictionary<string, (decimal Value, ResourceQuantity.SuffixFormat Format)> from)
    {
        foreach (var (resource, value) in from)
        {
            if (!into.TryGetValue(resource, out var current) || value.Value > current.Value)
            {
                into[resource] = value;
            }
        }
    }

    private static string Print(ResourceQuantity quantity) => quantity.CanonicalizeString();

    private static IEnumerable<(string Resource, ResourceQuantity Quantity)> Sorted(JsonNode? list) =>
        Quantities(list).OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => (q.Key, q.Value));

    private static Dictionary<string, ResourceQuantity> Quantities(JsonNode? list)
    {
        var quantities = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal);
        foreach (var (resource, value) in list as JsonObject ?? [])
        {
            var text = value is not JsonValue v ? null
                : v.TryGetValue<string>(out var s) ? s
                : v.TryGetValue<decimal>(out var n) ? n.ToString(CultureInfo.InvariantCulture)
                : null;
            if (text is not null)
            {
                quantities[resource] = new ResourceQuantity(text);
            }
        }

        return quantities;
    }

    /// <summary>Copies each of <paramref name="from"/>'s entries that <paramref name="to"/> lacks; the names copied.</summary>
    private static List<string> CopyMissing(JsonObject? from, JsonObject to)
    {
        var copied = new List<string>();
        foreach (var (key, value) in from ?? [])
        {
            if (!to.ContainsKey(key))
            {
                to[key] = value?.DeepClone();
                copied.Add(key);
            }
        }

        return copied;
    }

    private static void Overwrite(JsonObject? from, JsonObject to)
    {
        foreach (var (key, value) in from ?? [])
        {
            to[key] = value?.DeepClone();
        }
    }

    private static IEnumerable<JsonObject> Items(JsonObject limitRange) =>
        (limitRange["spec"]?["limits"] as JsonArray)?.OfType<JsonObject>() ?? [];

    private static IEnumerable<JsonObject> Containers(JsonObject pod, string field) =>
        (pod["spec"]?[field] as JsonArray)?.OfType<JsonObject>() ?? [];
}
