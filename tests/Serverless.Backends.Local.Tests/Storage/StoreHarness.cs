using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Backends.Local.Storage;
using Serverless.Core.Api;
using Serverless.TestSupport;

namespace Serverless.Backends.Local.Tests.Storage;

/// <summary>A state database in a temporary directory, on virtual time, that a test can close and reopen.</summary>
internal sealed class StoreHarness : IDisposable
{
    private readonly TempDirectory _directory = new("serverless-store");
    private readonly SqliteStoreOptions _options;

    public StoreHarness(SqliteStoreOptions? options = null)
    {
        _options = options ?? new SqliteStoreOptions();
        Stores = Open();
    }

    public ManualTimeProvider Time { get; } = new(new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero));

    public string DatabasePath => Path.Combine(_directory.Path, "state", LocalStores.DefaultFileName);

    public LocalStores Stores { get; private set; }

    public SqliteResourceStore<Function> Functions => (SqliteResourceStore<Function>)Stores.Functions;

    /// <summary>Closes the file and opens it again, as a restart of the platform does.</summary>
    public void Reopen()
    {
        Stores.Dispose();
        Stores = Open();
    }

    public void Dispose()
    {
        Stores.Dispose();
        _directory.Dispose();
    }

    private LocalStores Open() => LocalStores.Open(DatabasePath, Time, NullLoggerFactory.Instance, _options);
}
