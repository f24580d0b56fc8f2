using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Serverless.Core.Api;

/// <summary>An event ingress: accepts CloudEvents, stores them and delivers them to matching Triggers.</summary>
public sealed class Broker : IKubernetesObject<V1ObjectMeta>, IResource
{
    public const string KindName = "Broker";
    public const string Plural = "brokers";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = Api.ApiGroup.ApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public BrokerSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public BrokerStatus? Status { get; set; }

    object? IResource.SpecObject => Spec;
}

public sealed class BrokerSpec
{
    /// <summary>Default delivery policy for Triggers on this broker that set none.</summary>
    [JsonPropertyName("delivery")]
    public DeliverySpec? Delivery { get; set; }
}

public sealed class BrokerStatus
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }

    /// <summary>Where to POST events.</summary>
    [JsonPropertyName("address")]
    public string? Address { get; set; }
}
