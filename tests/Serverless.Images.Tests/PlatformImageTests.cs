using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Serverless.Core.Api;
using Serverless.KubeApiServer;
using Serverless.Hosting.KubeApi.Resources;
using Serverless.TestSupport;
using Xunit.Abstractions;

namespace Serverless.Images.Tests;

/// <summary>
/// The platform image meets a real OCI runtime with the controller's pod spec from <c>deploy/components/controller.yaml</c>
/// (uid 65532, read-only root, no capabilities, its emptyDir and config volumes, its limits): it starts, turns ready,
/// and reconciles a Function through an API server; without one, it stops with the documented message.
/// </summary>
[Collection(ImagesCollection.Name)]
public sealed class PlatformImageTests(BuiltImages images, ITestOutputHelper output)
{
    private const string Container = "controller";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ControllerPod_ApiServerOnKubeconfig_ReadyAndReconcilesAFunction()
    {
        await using var api = await KubeApiDouble.StartAsync();
        var kubeconfig = Kubeconfig.Render(api.BaseAddress, "controller-image");
        var metrics = FreePort.Next();
        // Deviations from a cluster: the host's network, to reach the double on loopback (so the metrics port moves
        // to a free one), and a kubeconfig in the optional config volume instead of the service account token.
        await using var pod = await LocalPod.StartAsync(images.Podman, ControllerPod(), new LocalPodOptions
        {
            Name = $"controller-{Guid.NewGuid():N}"[..19],
            Namespace = "serverless-system",
            HostNetwork = true,
            ConfigMaps = new Dictionary<string, IReadOnlyDictionary<string, byte[]>>
            {
                ["serverless-config"] = new Dictionary<string, byte[]> { ["kubeconfig"] = Encoding.UTF8.GetBytes(kubeconfig) },
            },
            ExtraEnv = new Dictionary<string, IReadOnlyDictionary<string, string>> { [Container] = new Dictionary<string, string> { ["KUBECONFIG"] = "/etc/serverless/kubeconfig" } },
            ExtraArgs = new Dictionary<string, IReadOnlyList<string>> { [Container] = ["--metrics", $"127.0.0.1:{metrics}"] },
        });

        var ready = await pod.WaitReadyAsync(Container, Timeout, new Uri($"http://127.0.0.1:{metrics}/"));
        await api.CreateClient("user").CustomObjects.CreateNamespacedCustomObjectAsync(FunctionBody("hello"), ApiGroup.Group, ApiGroup.Version, "team", Function.Plural);
        var deadline = DateTime.UtcNow + Timeout;
        while (api.GetObject(ResourceTypes.Deployments, "team", "hello-00001") is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "no Deployment within 60 s:\n" + await pod.DescribeAsync());
            await Task.Delay(100);
        }

        var security = await pod.SecurityAsync(Container);
        output.WriteLine($"controller ready {ready.TotalMilliseconds:0} ms after its container started; {security}");
        Assert.Contains(api.Audit.For("controller-image"), r => r is { Verb: "create", Resource: "deployments", Namespace: "team", StatusCode: 201 });
        Assert.Equal((65532, 65532), (security.Uid, security.Gid));
        Assert.Equal((0UL, 0UL, 0UL), (security.EffectiveCapabilities, security.PermittedCapabilities, security.BoundingCapabilities));
        Assert.True(security.NoNewPrivileges, "no new privileges");
        Assert.Equal(ProcessSecurity.SeccompFilter, security.SeccompMode);
        Assert.True(security.ReadOnlyRoot, "read-only root filesystem");
    }

    [Fact]
    public async Task ControllerPod_NoApiConfiguration_ExitsNamingKubeconfig()
    {
        await using var pod = await LocalPod.StartAsync(images.Podman, ControllerPod(), new LocalPodOptions
        {
            Name = $"controller-{Guid.NewGuid():N}"[..19],
            Namespace = "serverless-system",
        });

        var exit = await pod.WaitExitAsync(Container, Timeout);
        var logs = await pod.LogsAsync(Container);

        Assert.True(exit == 2, $"exit {exit}: {logs}");
        Assert.Contains("serverless-platform: no Kubernetes API configuration", logs, StringComparison.Ordinal);
        Assert.Contains("(set KUBECONFIG outside a cluster)", logs, StringComparison.Ordinal);
    }

    /// <summary>The controller Deployment's pod as deploy/ ships it, on the image the tests built.</summary>
    private static V1PodSpec ControllerPod()
    {
        var manifest = File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "components", "controller.yaml"));
        var pod = KubernetesYaml.LoadAllFromString(manifest).OfType<V1Deployment>().Single().Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        Assert.Equal("ghcr.io/serverless-dev/platform:0.1.0", container.Image);
        container.Image = ImageNames.Reference("platform");
        return pod;
    }

    private static JsonObject FunctionBody(string name) => new()
    {
        ["apiVersion"] = ApiGroup.ApiVersion,
        ["kind"] = Function.KindName,
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "team" },
        ["spec"] = new JsonObject
        {
            ["runtime"] = RuntimeNames.Python,
            ["handler"] = "main:handle",
            ["source"] = new JsonObject { ["configMap"] = name + "-0123456789" },
        },
    };
}
