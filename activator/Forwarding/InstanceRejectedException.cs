namespace Serverless.Activator.Forwarding;

/// <summary>
/// An instance's runtime answered its marked 429: at its concurrency limit it processed nothing, so the request may go to
/// another instance. Thrown by <see cref="RejectionHandler"/> instead of returning the response, so YARP
/// reports a request error before anything reached the client and the proxy can retry.
/// </summary>
internal sealed class InstanceRejectedException : Exception
{
    public InstanceRejectedException()
        : base("The instance refused the request with 429 Too Many Requests.")
    {
    }

    public InstanceRejectedException(string message)
        : base(message)
    {
    }

    public InstanceRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
