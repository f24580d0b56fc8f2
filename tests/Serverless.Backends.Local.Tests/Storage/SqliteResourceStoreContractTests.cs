using Serverless.Backends.Local.Storage;
using Serverless.Backends.Local.Tests.Storage;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Hosting.Tests.Stores;

namespace Serverless.Backends.Local.Tests.Storage;

public sealed class SqliteResourceStoreContractTests : ResourceStoreContractTests
{
    private StoreHarness? _harness;

    protected override Task<IResourceStore<Function>> OpenAsync(int historySize)
    {
        _harness = new StoreHarness(new SqliteStoreOptions { HistorySize = historySize });
        return Task.FromResult(_harness.Stores.Functions);
    }

    protected override Task CloseAsync()
    {
        _harness?.Dispose();
        return Task.CompletedTask;
    }
}
