namespace Serverless.Activator.Throttling;

/// <summary>How waiting for an instance ended; also the reason label in logs.</summary>
internal enum AcquireStatus
{
    /// <summary>An instance slot is reserved: forward, then release the lease.</summary>
    Acquired,

    /// <summary>The function's queue (count or bytes) is full: 503 with Retry-After.</summary>
    QueueFull,

    /// <summary>The declared body alone is larger than the queue's byte budget, so it could never wait: 413.</summary>
    TooLarge,

    /// <summary>Still waiting at the function's timeout: 504.</summary>
    TimedOut,

    /// <summary>No instance became ready within the activation deadline: 503 with Retry-After and a reason.</summary>
    ActivationFailed,

    /// <summary>The client went away while waiting.</summary>
    Canceled,
}
