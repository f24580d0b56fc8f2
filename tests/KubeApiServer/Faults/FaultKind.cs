namespace Serverless.KubeApiServer.Faults;

public enum FaultKind
{
    /// <summary>Answer with a Status of the rule's code (409 Conflict, 500 InternalError, 429 TooManyRequests with Retry-After: 1, …).</summary>
    Status,

    /// <summary>Never answer: hold the request until the client gives up (its timeout or cancellation).</summary>
    Hang,

    /// <summary>Abort the connection without a response.</summary>
    Disconnect,
}
