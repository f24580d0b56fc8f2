namespace Serverless.Backends.Local.Processes;

/// <summary>One running instance as the supervisor sees it (for status displays and <c>func</c> commands).</summary>
public sealed record LocalInstanceInfo(
    string Id,
    string Revision,
    int Pid,
    int Port,
    LocalInstanceState State,
    DateTimeOffset StartedAt,
    string LogPath);
