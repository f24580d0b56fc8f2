using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Serverless.KubeApiServer;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.TestSupport;

namespace Serverless.Images.Tests;

/// <summary>
/// What puts a function's pod spec and artifact where a kubelet would find them: the API server double, the real
/// controller (from the install layout) reconciling Functions into Deployments, and the real <c>func</c> CLI
/// deploying with <c>--kube</c>, which packs and uploads the artifact as it does for a cluster.
/// </summary>
public sealed class FunctionCluster : IAsyncLifetime
{
    public const string Namespace = "team";

    private readonly TempDirectory _work = new("images-cluster");
    private KubeApiDouble? _api;
    private KubernetesComponent? _controller;
    private FuncCli? _func;

    private KubeApiDouble Api => _api ?? throw new InvalidOperationException("not started");

    private KubernetesComponent Controller => _controller ?? throw new InvalidOperationException("not started");

    private FuncCli Func => _func ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _api = await KubeApiDouble.StartAsync();
        var developer = _api.WriteKubeconfig(Path.Combine(_work.Path, "developer.kubeconfig"), "developer", Namespace);
        var controller = _api.WriteKubeconfig(Path.Combine(_work.Path, "controller.kubeconfig"), "controller");
        _func = new FuncCli(Path.Combine(_work.Path, "home"), new Dictionary<string, string?> { ["KUBECONFIG"] = developer });
        _controller = KubernetesComponent.Start(controller, "controller-0", "controller",
            "--metrics", $"127.0.0.1:{FreePort.Next()}", "--leader-elect", "false", "--image-registry", ImageNames.Prefix);
    }

    public async Task DisposeAsync()
    {
        if (_controller is not null)
        {
            await _controller.DisposeAsync();
        }

        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        _work.Dispose();
    }

    /// <summary>
    /// <c>func deploy --kube</c> of a copy of <c>examples/{example}</c>, then the Deployment the controller made
    /// for its first revision (<c>{example}-00001</c>: every revision runs in a Deployment of its own) and the artifact
    /// ConfigMaps its pod mounts.
    /// </summary>
    internal async Task<(V1Deployment Deployment, IReadOnlyDictionary<string, IReadOnlyDictionary<string, byte[]>> ConfigMaps)> DeployAsync(string example)
    {
        var directory = Path.Combine(_work.Path, example);
        CopyDirectory(Path.Combine(RepoPaths.Examples, example), directory);
        var deploy = await Func.RunAsync(TimeSpan.FromMinutes(5), "deploy", directory, "--kube", "--no-wait");
        Assert.True(deploy.ExitCode == 0, deploy.ToString());

        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonObject? stored;
        var revision = example + "-00001";
        while ((stored = Api.GetObject(ResourceTypes.Deployments, Namespace, revision)) is null)
        {
            Assert.False(Controller.HasExited, "the controller exited:\n" + Controller.Output);
            Assert.True(DateTime.UtcNow < deadline, $"no Deployment {Namespace}/{revision} within 60 s:\n{Controller.Output}");
            await Task.Delay(100);
        }

        var deployment = KubernetesJson.Deserialize<V1Deployment>(stored.ToJsonString());
        var configMaps = new Dictionary<string, IReadOnlyDictionary<string, byte[]>>(StringComparer.Ordinal);
        foreach (var name in (deployment.Spec.Template.Spec.Volumes ?? []).Select(v => v.ConfigMap?.Name).OfType<string>())
        {
            var configMap = KubernetesJson.Deserialize<V1ConfigMap>((Api.GetObject(ResourceTypes.ConfigMaps, Namespace, name)
                ?? throw new InvalidOperationException($"the pod mounts ConfigMap {name}, which func deploy did not upload")).ToJsonString());
            configMaps[name] = (configMap.BinaryData ?? new Dictionary<string, byte[]>()).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        }

        return (deployment, configMaps);
    }

    /// <summary>The example's sources, without build output a local build may have left in the repository.</summary>
    private static void CopyDirectory(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (!relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
                File.Copy(file, Path.Combine(target, relative));
            }
        }
    }
}
