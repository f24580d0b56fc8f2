using Serverless.TestSupport;

namespace Serverless.Platform.Tests;

/// <summary>One platform process shared by the admin API tests (they use distinct function names).</summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    private readonly TempDirectory _home = new("serverless-platform");

    public PlatformProcess Platform { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Platform = await PlatformProcess.StartAsync(_home.Path);
        Admin = Platform.CreateAdminClient(TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Platform.DisposeAsync();
        _home.Dispose();
    }
}
