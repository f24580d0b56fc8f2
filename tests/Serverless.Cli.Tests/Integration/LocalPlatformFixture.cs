using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Integration;

/// <summary>One real platform (install layout, ephemeral ports, own home) shared by the integration tests of a collection.</summary>
public sealed class LocalPlatformFixture : IAsyncLifetime
{
    private readonly TempDirectory home = new("func-cli-it");
    private PlatformProcess? platform;

    public string Home => home.Path;

    public PlatformProcess Platform => platform ?? throw new InvalidOperationException("not started");

    public FuncCli Func => new(Home);

    public async Task InitializeAsync() => platform = await PlatformProcess.StartAsync(Home);

    public async Task DisposeAsync()
    {
        if (platform is not null)
        {
            await platform.DisposeAsync();
        }

        home.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class LocalPlatformCollection : ICollectionFixture<LocalPlatformFixture>
{
    public const string Name = "local platform";
}
