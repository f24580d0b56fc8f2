namespace Serverless.Hosting.KubeApi.Resources;

/// <summary>One kind the double serves, addressed by group/version/plural.</summary>
/// <param name="Group">API group; empty for the core group (<c>/api/v1</c>).</param>
/// <param name="HasStatus">Serves a <c>status</c> subresource; the main resource then ignores status on writes.</param>
/// <param name="Scale">Serves a <c>scale</c> subresource (<c>autoscaling/v1 Scale</c>) when set.</param>
/// <param name="AllowUnconditionalUpdate">
/// Whether a PUT without <c>metadata.resourceVersion</c> is accepted. Built-in kinds accept it; custom
/// resources do not (422 "must be specified for an update"), so CRD clients must read before they replace.
/// </param>
/// <param name="ReturnDeletedObject">
/// Whether a DELETE that removes the object at once answers with the object (Services and Pods: their registries set
/// <c>ReturnDeletedObject</c>, and clients such as KubernetesClient read a Service or Pod back) rather than a Status.
/// </param>
public sealed record ResourceType(
    string Group,
    string Version,
    string Plural,
    string Kind,
    bool Namespaced,
    bool HasStatus = false,
    ScaleMapping? Scale = null,
    bool AllowUnconditionalUpdate = true,
    bool ReturnDeletedObject = false)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string ListKind => Kind + "List";

    public string Key => $"{Group}/{Plural}";
}
