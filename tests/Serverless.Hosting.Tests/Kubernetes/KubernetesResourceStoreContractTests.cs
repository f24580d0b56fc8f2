using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Hosting.Kubernetes;
using Serverless.Hosting.Tests.Stores;
using Serverless.KubeApiServer;

namespace Serverless.Hosting.Tests.Kubernetes;

public sealed class KubernetesResourceStoreContractTests : ResourceStoreContractTests
{
    private KubeApiDouble? _api;

    protected override async Task<IResourceStore<Function>> OpenAsync(int historySize)
    {
        _api = await KubeApiDouble.StartAsync(new KubeApiDoubleOptions { HistoryLimit = historySize });
        return new KubernetesResourceStore<Function>(_api.CreateClient("controller"), CustomResource.Functions);
    }

    protected override async Task CloseAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
    }
}
