using Microsoft.Extensions.Logging;

namespace Serverless.Backends.Local.Storage;

/// <summary>Log events of the local store; ids 500-519.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = LocalEventIds.DatabaseOpened, Level = LogLevel.Information, Message = "Opened state database {Path} (schema {SchemaVersion}, resourceVersion {ResourceVersion})")]
    public static partial void DatabaseOpened(ILogger logger, string path, int schemaVersion, long resourceVersion);

    [LoggerMessage(EventId = LocalEventIds.SchemaMigrated, Level = LogLevel.Information, Message = "Migrated state database {Path} from schema {From} to {To}")]
    public static partial void SchemaMigrated(ILogger logger, string path, int from, int to);

    [LoggerMessage(EventId = LocalEventIds.WatchersFellBehind, Level = LogLevel.Warning, Message = "Ended {Count} {Kind} watch(es) that fell more than {Buffer} events behind; they re-list")]
    public static partial void WatchersFellBehind(ILogger logger, int count, string kind, int buffer);

    [LoggerMessage(EventId = LocalEventIds.WatchExpired, Level = LogLevel.Debug, Message = "{Kind} watch from resourceVersion {Requested} expired: {Reason}")]
    public static partial void WatchExpired(ILogger logger, string kind, long requested, string reason);
}
