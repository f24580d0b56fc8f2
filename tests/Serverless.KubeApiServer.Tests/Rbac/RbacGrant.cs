namespace Serverless.KubeApiServer.Tests.Rbac;

/// <summary>
/// One verb on one resource granted by one rule: the unit "no rule is unused" is checked at.
/// <see cref="Namespace"/> is null for a ClusterRole bound cluster-wide.
/// </summary>
public sealed record RbacGrant(string Source, string ApiGroup, string Resource, string Verb, IReadOnlyList<string> ResourceNames, string? Namespace)
{
    public override string ToString() =>
        $"{Verb} {(ApiGroup.Length == 0 ? "core" : ApiGroup)}/{Resource}"
        + (ResourceNames.Count > 0 ? $" [{string.Join(",", ResourceNames)}]" : "")
        + (Namespace is null ? "" : $" in {Namespace}")
        + $" ({Source})";
}
