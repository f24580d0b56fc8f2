using Serverless.Cli.Tests.Fakes;

namespace Serverless.Cli.Tests.Commands;

/// <summary>A temp home whose platform.json points at a fresh fake admin API (also serving as the ingress).</summary>
public abstract class CommandTestBase : IAsyncLifetime
{
    internal CliHarness Cli { get; } = new();

    internal FakeAdminApi Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Api = await FakeAdminApi.StartAsync();
        Cli.PointAt(Api.Url);
    }

    public async Task DisposeAsync()
    {
        await Api.DisposeAsync();
        Cli.Dispose();
    }
}
