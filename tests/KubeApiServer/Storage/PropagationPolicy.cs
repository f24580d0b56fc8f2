namespace Serverless.KubeApiServer.Storage;

/// <summary>The <c>propagationPolicy</c> of a delete.</summary>
public enum PropagationPolicy
{
    Background,
    Foreground,
    Orphan,
}
