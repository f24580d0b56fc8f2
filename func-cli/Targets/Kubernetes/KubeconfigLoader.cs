using k8s;
using k8s.Exceptions;
using Serverless.Cli.App;

namespace Serverless.Cli.Targets.Kubernetes;

/// <summary>Finds the kubeconfig (first file of <c>KUBECONFIG</c>, else <c>~/.kube/config</c>) and the selected context, as kubectl does.</summary>
internal static class KubeconfigLoader
{
    /// <exception cref="CliException">No kubeconfig, or no such context.</exception>
    public static KubernetesClientConfiguration Load(TargetSelection selection, Func<string, string?> environment)
    {
        var path = PathFrom(environment);
        if (!File.Exists(path))
        {
            throw new CliException(
                $"no kubeconfig at {path}",
                "point KUBECONFIG at your cluster's kubeconfig, or run without --kube/--context to use the local platform");
        }

        try
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigFile(path, currentContext: selection.Context);
        }
        catch (KubeConfigException e)
        {
            throw new CliException(
                $"cannot use kubeconfig {path}{(selection.Context is null ? "" : $" with context {selection.Context}")}: {e.Message}",
                "list the contexts with `kubectl config get-contexts`",
                inner: e);
        }
    }

    public static string PathFrom(Func<string, string?> environment)
    {
        if (environment("KUBECONFIG") is { Length: > 0 } list)
        {
            var first = list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (first is not null)
            {
                return first;
            }
        }

        var home = environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".kube", "config");
    }
}
