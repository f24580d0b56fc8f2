using Serverless.Runtime.Dotnet.Tests.Support;
using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Integration;

/// <summary>One runtime serving the Echo handler, shared by the tests that only read from it.</summary>
public sealed class EchoRuntimeFixture : IAsyncLifetime
{
    private RuntimeInstance? _runtime;

    internal RuntimeInstance Runtime => _runtime ?? throw new InvalidOperationException("fixture not initialized");

    public async Task InitializeAsync() => _runtime = await RuntimeProcess.StartTestHandlerReadyAsync("Echo");

    public async Task DisposeAsync()
    {
        if (_runtime is not null)
        {
            await _runtime.DisposeAsync();
        }
    }
}
