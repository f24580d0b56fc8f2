namespace Serverless.Backends.Local.Processes;

/// <summary>One running instance as the supervisor sees it (for status displays and <c>func</c> commands).</summary>
public sealed record LocalInstanceInfo(
    string Id,
    string Revision,
    int Pid,
    int Port,
    LocalInstanceState State,
    DateTimeOffset StartedAt,
    string LogPath)
{
    /// <summary>Where the instance serves <c>/metrics</c> (and its probes): PLATFORM_PORT on loopback.</summary>
    public int PlatformPort { get; init; }

    /// <summary>The function the instance serves (a revision's workload's instances: the revision's Function).</summary>
    public Core.Contracts.FunctionKey Function { get; init; }

    /// <summary>The Revision it runs (<c>hello-00002</c>, its <c>K_REVISION</c>); null where no revision was cut.</summary>
    public string? RevisionName { get; init; }

    /// <summary>The warm-pool instance it was specialized from (<c>pool-{runtime}-{n}</c>); null when started for its function.</summary>
    public string? PoolId { get; init; }
}
