using System.Text.Json.Nodes;
using k8s.Models;
using Serverless.Core.Serialization;

namespace Serverless.Backends.Kubernetes.Resources;

/// <summary>
/// Decides drift: does the live object still hold everything we want? Only the fields we set are compared
/// (our labels and ownerReference, the spec we build), so the fields the API server defaults
/// (<c>imagePullPolicy</c>, probe timeouts, <c>clusterIP</c>, <c>revisionHistoryLimit</c>…) and labels or
/// annotations others add never count as drift, while any change to a value we set does. Lists must match
/// element by element (a removed or added env var is drift). <c>spec.replicas</c> of a Deployment is never
/// compared: the autoscaler owns it.
/// </summary>
internal static class LiveObjectMatcher
{
    public static bool DeploymentMatches(V1Deployment live, V1Deployment desired)
    {
        var wanted = Wanted(desired);
        (wanted["spec"] as JsonObject)?.Remove("replicas");
        return Covers(JsonNode.Parse(ResourceJson.Serialize(live)), wanted, parent: null);
    }

    public static bool ServiceMatches(V1Service live, V1Service desired) =>
        Covers(JsonNode.Parse(ResourceJson.Serialize(live)), Wanted(desired), parent: null);

    public static bool HorizontalPodAutoscalerMatches(V2HorizontalPodAutoscaler live, V2HorizontalPodAutoscaler desired) =>
        Covers(JsonNode.Parse(ResourceJson.Serialize(live)), Wanted(desired), parent: null);

    /// <summary>The parts of a desired object that are ours to enforce: labels, ownerReferences and spec.</summary>
    private static JsonObject Wanted<T>(T desired) where T : class
    {
        var node = JsonNode.Parse(ResourceJson.Serialize(desired))!.AsObject();
        var metadata = node["metadata"]?.AsObject();
        return new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["labels"] = metadata?["labels"]?.DeepClone(),
                ["ownerReferences"] = metadata?["ownerReferences"]?.DeepClone(),
            },
            ["spec"] = node["spec"]?.DeepClone(),
        };
    }

    /// <summary>Whether <paramref name="live"/> holds every value of <paramref name="wanted"/>.</summary>
    internal static bool Covers(JsonNode? live, JsonNode? wanted, string? parent)
    {
        switch (wanted)
        {
            case null:
                return true;
            case JsonObject wantedObject:
                return live is JsonObject liveObject
                    && wantedObject.All(p => p.Value is null || Covers(liveObject[p.Key], p.Value, p.Key));
            case JsonArray wantedArray:
                return live is JsonArray liveArray
                    && liveArray.Count == wantedArray.Count
                    && wantedArray.Select((item, i) => Covers(liveArray[i], item, parent)).All(x => x);
            default:
                return JsonNode.DeepEquals(live, wanted) || SameQuantity(live, wanted, parent);
        }
    }

    /// <summary>The API server rewrites quantities in canonical form ("1000m" comes back as "1").</summary>
    private static bool SameQuantity(JsonNode? live, JsonNode wanted, string? parent)
    {
        if (parent is not ("requests" or "limits" or "averageValue") || live is not JsonValue liveValue
            || !liveValue.TryGetValue<string>(out var liveText) || !wanted.AsValue().TryGetValue<string>(out var wantedText))
        {
            return false;
        }

        try
        {
            return new ResourceQuantity(liveText).ToDecimal() == new ResourceQuantity(wantedText).ToDecimal();
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
