namespace Serverless.KubeApiServer.Audit;

/// <summary>
/// One request as RBAC sees it. <see cref="Verb"/> is the RBAC verb (get, list, watch, create, update,
/// patch, delete, deletecollection); <see cref="ApiGroup"/> is empty for the core group.
/// </summary>
public sealed record AuditRecord(
    string Identity,
    string Verb,
    string ApiGroup,
    string Resource,
    string? Subresource,
    string? Namespace,
    string? Name,
    int StatusCode)
{
    /// <summary><c>resource/subresource</c>, as RBAC rules name it.</summary>
    public string ResourcePath => Subresource is null ? Resource : $"{Resource}/{Subresource}";
}
