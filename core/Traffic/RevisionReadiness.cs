namespace Serverless.Core.Traffic;

/// <summary>What traffic resolution needs to know of one of the Function's revisions.</summary>
public enum RevisionReadiness
{
    /// <summary>Its instances have not answered readiness yet.</summary>
    Pending,

    /// <summary>Its instances answered readiness: it may take traffic.</summary>
    Ready,

    /// <summary>Its instances fail to start or crash: it never takes traffic.</summary>
    Failed,
}
