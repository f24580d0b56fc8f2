namespace Serverless.Backends.Local.Processes;

public enum LocalInstanceState
{
    /// <summary>Started, <c>/readyz</c> has not answered 200 yet.</summary>
    Starting,

    /// <summary>Answering <c>/readyz</c>; listed in the ready endpoints.</summary>
    Ready,

    /// <summary>Was ready, then a probe failed; out of the endpoints until a probe succeeds again.</summary>
    NotReady,

    /// <summary>Being stopped: out of the endpoints, SIGTERM sent, killed after the grace period.</summary>
    Draining,
}
