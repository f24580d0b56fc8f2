namespace Serverless.Activator;

/// <summary>Settings of the activator.</summary>
public sealed class ActivatorOptions
{
    /// <summary>Domain for host-based routing, <c>{function}.{namespace}.{domain}</c>. Default <c>localhost</c>.</summary>
    public string Domain { get; set; } = "localhost";

    /// <summary>Requests that may wait per function while it has no ready instance. Default 1000; past it, 503.</summary>
    public int MaxQueuedRequestsPerFunction { get; set; } = 1000;

    /// <summary>Timeout for connecting to an instance. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
