using Serverless.Controller.Local.Storage;
using Serverless.Controller.Tests.Local.Storage;
using Serverless.Core.Api;
using Serverless.Core.Contracts;

namespace Serverless.Controller.Tests.Kubernetes.Storage;

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
