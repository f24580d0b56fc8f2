namespace Serverless.Backends.Local.Processes;

/// <summary>The log file of one instance, running or exited; <see cref="Length"/> excludes the rotated <c>.log.1</c>.</summary>
public sealed record LocalLogFile(string InstanceId, string Path, long Length, DateTimeOffset LastWriteTime);
