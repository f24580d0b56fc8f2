using Microsoft.Extensions.Logging;
using Serverless.Core.Api;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Local.Storage;

/// <summary>
/// The durable stores of local mode: Functions, Revisions, Brokers and Triggers in one SQLite file, sharing
/// one resourceVersion sequence. Dispose ends every watch and closes the file.
/// </summary>
public sealed class LocalStores : IDisposable
{
    /// <summary>The file name under the state directory (<c>$SERVERLESS_HOME</c>).</summary>
    public const string DefaultFileName = "state.db";

    private readonly SqliteDatabase _database;
    private readonly SqliteResourceStore<Function> _functions;
    private readonly SqliteResourceStore<Broker> _brokers;
    private readonly SqliteResourceStore<Trigger> _triggers;
    private readonly SqliteResourceStore<Revision> _revisions;

    private LocalStores(
        SqliteDatabase database,
        SqliteResourceStore<Function> functions,
        SqliteResourceStore<Broker> brokers,
        SqliteResourceStore<Trigger> triggers,
        SqliteResourceStore<Revision> revisions)
    {
        _revisions = revisions;
        _database = database;
        _functions = functions;
        _brokers = brokers;
        _triggers = triggers;
    }

    public IResourceStore<Function> Functions => _functions;

    public IResourceStore<Broker> Brokers => _brokers;

    public IResourceStore<Trigger> Triggers => _triggers;

    /// <summary>The controller's Revisions (issue #17), one per change of what a Function's instances run.</summary>
    public IResourceStore<Revision> Revisions => _revisions;

    /// <summary>The absolute path of the database file.</summary>
    public string DatabasePath => _database.Path;

    /// <summary>Opens (creating when missing) the database at <paramref name="databasePath"/>.</summary>
    /// <exception cref="LocalStoreException">The file cannot be opened, is not a database, or was written by a newer version.</exception>
    public static LocalStores Open(string databasePath, TimeProvider time, ILoggerFactory loggerFactory) =>
        Open(databasePath, time, loggerFactory, new SqliteStoreOptions());

    internal static LocalStores Open(string databasePath, TimeProvider time, ILoggerFactory loggerFactory, SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var database = SqliteDatabase.Open(databasePath, time, loggerFactory.CreateLogger<SqliteDatabase>());
        try
        {
            return new LocalStores(
                database,
                new SqliteResourceStore<Function>(database, Function.KindName, time, loggerFactory.CreateLogger<SqliteResourceStore<Function>>(), options),
                new SqliteResourceStore<Broker>(database, Broker.KindName, time, loggerFactory.CreateLogger<SqliteResourceStore<Broker>>(), options),
                new SqliteResourceStore<Trigger>(database, Trigger.KindName, time, loggerFactory.CreateLogger<SqliteResourceStore<Trigger>>(), options),
                new SqliteResourceStore<Revision>(database, Revision.KindName, time, loggerFactory.CreateLogger<SqliteResourceStore<Revision>>(), options));
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _functions.Dispose();
        _brokers.Dispose();
        _triggers.Dispose();
        _revisions.Dispose();
        _database.Dispose();
    }
}
