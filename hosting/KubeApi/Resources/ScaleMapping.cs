namespace Serverless.Hosting.KubeApi.Resources;

/// <summary>
/// Where a resource's scale subresource reads and writes, as a CRD's <c>subresources.scale</c> says:
/// dotted JSON paths such as <c>.spec.replicas</c>. The label selector path may point at a string
/// (CRD style) or at a <c>LabelSelector</c> object (Deployment style).
/// </summary>
public sealed record ScaleMapping(string SpecReplicasPath, string StatusReplicasPath, string? LabelSelectorPath);
