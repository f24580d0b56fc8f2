namespace Serverless.KubeApiServer.Faults;

public enum FaultKind
{
    /// <summary>Answer with a Status of the rule's code (409 Conflict, 500 InternalError, 429 TooManyRequests with Retry-After: 1, …).</summary>
    Status,

    /// <summary>Never answer: hold the request until the client gives up (its timeout or cancellation).</summary>
    Hang,

    /// <summary>Abort the connection without a response.</summary>
    Disconnect,

    /// <summary>
    /// Reset the connection mid-response: the status line, headers and part of the body go out, then the connection
    /// is aborted (the client sees a truncated body or a connection reset while reading it).
    /// </summary>
    Reset,

    /// <summary>Answer normally, after the rule's <see cref="FaultRule.Delay"/> (measured on the server's TimeProvider).</summary>
    Delay,
}
