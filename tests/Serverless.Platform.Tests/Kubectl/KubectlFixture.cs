using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Kubectl;

/// <summary>
/// One platform process for the kubectl tests, reached as a user would: the kubeconfig <c>func kubeconfig</c> prints
/// (HTTPS with the platform's CA, the admin token), used by the real kubectl.
/// </summary>
public sealed class KubectlFixture : IAsyncLifetime
{
    private readonly TempDirectory _home = new("serverless-kubectl");
    private readonly TempDirectory _work = new("serverless-kubectl-work");

    public PlatformProcess Platform { get; private set; } = null!;

    public HttpClient Admin { get; private set; } = null!;

    public string KubeconfigPath => Path.Combine(_work.Path, "kubeconfig");

    public string WorkDirectory => _work.Path;

    public TestSupport.Kubectl Kubectl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Platform = await PlatformProcess.StartAsync(_home.Path);
        Admin = Platform.CreateAdminClient(TimeSpan.FromSeconds(30));
        var printed = await new FuncCli(_home.Path).RunAsync("kubeconfig");
        if (printed.ExitCode != 0)
        {
            throw new InvalidOperationException("func kubeconfig failed: " + printed);
        }

        await File.WriteAllTextAsync(KubeconfigPath, printed.StdOut);
        Kubectl = new TestSupport.Kubectl(KubeconfigPath, Path.Combine(_work.Path, "cache"));
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Platform.DisposeAsync();
        _home.Dispose();
        _work.Dispose();
    }
}
