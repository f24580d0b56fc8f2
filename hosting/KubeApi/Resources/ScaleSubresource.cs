using System.Text.Json.Nodes;
using Serverless.Hosting.KubeApi.Resources;

namespace Serverless.Hosting.KubeApi.Resources;

/// <summary>The <c>autoscaling/v1 Scale</c> view of an object, through its kind's <see cref="ScaleMapping"/>.</summary>
internal static class ScaleSubresource
{
    public static JsonObject View(ResourceType type, JsonObject obj)
    {
        var mapping = type.Scale!;
        var meta = obj["metadata"]!;
        var selector = mapping.LabelSelectorPath is null ? null : JsonPath.Get(obj, mapping.LabelSelectorPath);
        var selectorText = selector switch
        {
            JsonValue value => value.GetValue<string>(),
            JsonObject labelSelector when labelSelector["matchLabels"] is JsonObject labels =>
                string.Join(',', labels.Select(p => $"{p.Key}={p.Value?.GetValue<string>()}")),
            _ => null,
        };

        // As autoscaling/v1 serializes them: spec.replicas is omitted when 0, status.selector when there is none.
        var replicas = JsonNumber.Int(JsonPath.Get(obj, mapping.SpecReplicasPath)) ?? 0;
        var spec = new JsonObject();
        if (replicas != 0)
        {
            spec["replicas"] = replicas;
        }

        var status = new JsonObject { ["replicas"] = JsonNumber.Int(JsonPath.Get(obj, mapping.StatusReplicasPath)) ?? 0 };
        if (selectorText is not null)
        {
            status["selector"] = selectorText;
        }

        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = meta["name"]?.DeepClone(),
                ["namespace"] = meta["namespace"]?.DeepClone(),
                ["uid"] = meta["uid"]?.DeepClone(),
                ["resourceVersion"] = meta["resourceVersion"]?.DeepClone(),
                ["creationTimestamp"] = meta["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = spec,
            ["status"] = status,
        };
    }
}
