using Serverless.Core.Api;

namespace Serverless.Hosting.Kubernetes;

/// <summary>Where a CRD lives on the API server: <c>/apis/{Group}/{Version}/namespaces/{ns}/{Plural}</c>.</summary>
public sealed record CustomResource(string Group, string Version, string Plural, string Kind)
{
    public static CustomResource Functions { get; } = new(ApiGroup.Group, ApiGroup.Version, Function.Plural, Function.KindName);

    public static CustomResource Brokers { get; } = new(ApiGroup.Group, ApiGroup.Version, Broker.Plural, Broker.KindName);

    public static CustomResource Triggers { get; } = new(ApiGroup.Group, ApiGroup.Version, Trigger.Plural, Trigger.KindName);

    public static CustomResource Revisions { get; } = new(ApiGroup.Group, ApiGroup.Version, Revision.Plural, Revision.KindName);
}
