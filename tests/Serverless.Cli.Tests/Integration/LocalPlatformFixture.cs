using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Integration;

/// <summary>One real platform (install layout, ephemeral ports, own home) shared by the integration tests of a collection.</summary>
public sealed class LocalPlatformFixture : IAsyncLifetime
{
    private readonly TempDirectory _home = new("func-cli-it");
    private PlatformProcess? _platform;

    public string Home => _home.Path;

    public PlatformProcess Platform => _platform ?? throw new InvalidOperationException("not started");

    public FuncCli Func => new(Home);

    public async Task InitializeAsync() => _platform = await PlatformProcess.StartAsync(Home);

    public async Task DisposeAsync()
    {
        if (_platform is not null)
        {
            await _platform.DisposeAsync();
        }

        _home.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class LocalPlatformCollection : ICollectionFixture<LocalPlatformFixture>
{
    public const string Name = "local platform";
}
