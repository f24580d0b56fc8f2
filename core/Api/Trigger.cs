using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace Serverless.Core.Api;

/// <summary>A subscription: events on a broker that match the filter are delivered to the subscriber.</summary>
public sealed class Trigger : IKubernetesObject<V1ObjectMeta>, IResource
{
    public const string KindName = "Trigger";
    public const string Plural = "triggers";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = Api.ApiGroup.ApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public TriggerSpec Spec { get; set; } = new();

    [JsonPropertyName("status")]
    public TriggerStatus? Status { get; set; }

    object? IResource.SpecObject => Spec;
}

public sealed class TriggerSpec
{
    /// <summary>The broker's name in the Trigger's namespace; default <c>default</c>.</summary>
    [JsonPropertyName("broker")]
    public string? Broker { get; set; }

    [JsonPropertyName("filter")]
    public TriggerFilter? Filter { get; set; }

    /// <summary>
    /// The CloudEvents Subscriptions API dialect, as Knative's <c>filters</c>: every entry must match. When set,
    /// <see cref="Filter"/> is ignored, as in Knative.
    /// </summary>
    [JsonPropertyName("filters")]
    public IList<SubscriptionsApiFilter>? Filters { get; set; }

    [JsonPropertyName("subscriber")]
    public Destination? Subscriber { get; set; }

    [JsonPropertyName("delivery")]
    public DeliverySpec? Delivery { get; set; }
}

/// <summary>Knative's <c>filter.attributes</c>: every listed attribute must equal the value exactly.</summary>
public sealed class TriggerFilter
{
    [JsonPropertyName("attributes")]
    public IDictionary<string, string>? Attributes { get; set; }
}

/// <summary>
/// One filter expression of the CloudEvents Subscriptions API (Knative's <c>SubscriptionsAPIFilter</c>): exactly one
/// dialect is set. <c>exact</c>, <c>prefix</c> and <c>suffix</c> hold one attribute and its value; <c>all</c> matches
/// when every nested filter does, <c>any</c> when one does, <c>not</c> when its filter does not.
/// </summary>
public sealed class SubscriptionsApiFilter
{
    [JsonPropertyName("exact")]
    public IDictionary<string, string>? Exact { get; set; }

    [JsonPropertyName("prefix")]
    public IDictionary<string, string>? Prefix { get; set; }

    [JsonPropertyName("suffix")]
    public IDictionary<string, string>? Suffix { get; set; }

    [JsonPropertyName("all")]
    public IList<SubscriptionsApiFilter>? All { get; set; }

    [JsonPropertyName("any")]
    public IList<SubscriptionsApiFilter>? Any { get; set; }

    [JsonPropertyName("not")]
    public SubscriptionsApiFilter? Not { get; set; }
}

/// <summary>Where events go: a reference to a Function, or a URI. Exactly one is set.</summary>
public sealed class Destination
{
    [JsonPropertyName("ref")]
    public DestinationRef? Ref { get; set; }

    [JsonPropertyName("uri")]
    public string? Uri { get; set; }
}

public sealed class DestinationRef
{
    [JsonPropertyName("apiVersion")]
    public string? ApiVersion { get; set; }

    /// <summary>Only <c>Function</c> for now.</summary>
    [JsonPropertyName("kind")]
    public string? Kind { get; set; }

    [JsonPropertyName("name")]
    public string? Name { get; set; }

    /// <summary>Defaults to the referring object's namespace.</summary>
    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }
}

/// <summary>Knative's delivery spec.</summary>
public sealed class DeliverySpec
{
    /// <summary>Retries after the first attempt; default 3.</summary>
    [JsonPropertyName("retry")]
    public int? Retry { get; set; }

    /// <summary><c>exponential</c> (default) or <c>linear</c>.</summary>
    [JsonPropertyName("backoffPolicy")]
    public string? BackoffPolicy { get; set; }

    /// <summary>ISO-8601 duration, e.g. <c>PT0.2S</c>; default PT0.2S.</summary>
    [JsonPropertyName("backoffDelay")]
    public string? BackoffDelay { get; set; }

    /// <summary>Per-attempt timeout, ISO-8601 duration; default PT30S.</summary>
    [JsonPropertyName("timeout")]
    public string? Timeout { get; set; }

    [JsonPropertyName("deadLetterSink")]
    public Destination? DeadLetterSink { get; set; }
}

public sealed class TriggerStatus
{
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    [JsonPropertyName("conditions")]
    public IList<V1Condition>? Conditions { get; set; }

    [JsonPropertyName("subscriberUri")]
    public string? SubscriberUri { get; set; }
}
