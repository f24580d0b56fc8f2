using Serverless.Cli.App;
using Serverless.Cli.Targets.Kubernetes;
using Serverless.KubeApiServer;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Targets.Kubernetes;

public sealed class KubeconfigLoaderTests
{
    [Fact]
    public void Load_NoFile_ErrorNamesPathAndAlternative()
    {
        using var dir = new TempDirectory("kubeconfig");
        var path = Path.Combine(dir.Path, "missing");

        var error = Assert.Throws<CliException>(() => KubeconfigLoader.Load(new TargetSelection(true, null, null), Env(path)));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("KUBECONFIG", error.Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownContext_ErrorNamesContext()
    {
        using var dir = new TempDirectory("kubeconfig");
        var path = Path.Combine(dir.Path, "config");
        File.WriteAllText(path, Kubeconfig.Render(new Uri("http://127.0.0.1:1"), "me"));

        var error = Assert.Throws<CliException>(() => KubeconfigLoader.Load(new TargetSelection(true, "nope", null), Env(path)));

        Assert.Contains("context nope", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Context_TakesServerAndNamespace()
    {
        using var dir = new TempDirectory("kubeconfig");
        var path = Path.Combine(dir.Path, "config");
        File.WriteAllText(path, Kubeconfig.Render(new Uri("http://127.0.0.1:1234"), "me", "team"));

        var config = KubeconfigLoader.Load(new TargetSelection(false, Kubeconfig.ContextName, null), Env(path + Path.PathSeparator + "/ignored"));

        Assert.Equal("team", config.Namespace);
        Assert.StartsWith("http://127.0.0.1:1234", config.Host, StringComparison.Ordinal);
    }

    [Fact]
    public void PathFrom_NoVariable_UsesHomeKubeConfig()
    {
        Assert.Equal("/home/u/.kube/config", KubeconfigLoader.PathFrom(name => name == "HOME" ? "/home/u" : null));
    }

    private static Func<string, string?> Env(string kubeconfig) => name => name == "KUBECONFIG" ? kubeconfig : null;
}
