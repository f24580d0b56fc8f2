using System.Net;
using Xunit.Abstractions;

namespace Serverless.Images.Tests;

/// <summary>
/// Each runtime image meets a real OCI runtime (podman with runc) the way a function pod does on a cluster: the
/// Deployment the controller made for an example function, the artifact <c>func deploy --kube</c> uploaded, the
/// unpack init container from the same image, then the runtime as uid 65532 on a read-only root with no capabilities.
/// </summary>
[Collection(ImagesCollection.Name)]
public sealed class RuntimeImageTests(BuiltImages images, FunctionCluster cluster, ITestOutputHelper output) : IClassFixture<FunctionCluster>
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("dotnet", "hello-dotnet")]
    [InlineData("node", "hello-node")]
    [InlineData("python", "hello-python")]
    public async Task FunctionPod_ExampleDeployed_UnpacksAnswersReadyzAndARequest(string runtime, string example)
    {
        var (deployment, configMaps) = await cluster.DeployAsync(example);
        var pod = deployment.Spec.Template.Spec;
        Assert.All(pod.Containers.Concat(pod.InitContainers ?? []), c => Assert.Equal(ImageNames.Reference("runtime-" + runtime), c.Image));

        await using var running = await LocalPod.StartAsync(images.Podman, pod, new LocalPodOptions
        {
            Name = $"{example}-{Guid.NewGuid():N}"[..(example.Length + 9)],
            Namespace = FunctionCluster.Namespace,
            ConfigMaps = configMaps,
        });
        var ready = await running.WaitReadyAsync("function", ReadyTimeout);
        var address = await running.AddressAsync("function", "http");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(new Uri(address, "/?name=Ada"));
        var body = await response.Content.ReadAsStringAsync();
        var security = await running.SecurityAsync("function");
        output.WriteLine($"{example}: ready {ready.TotalMilliseconds:0} ms after the runtime container started; {security}");

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}\n{await running.DescribeAsync()}");
        Assert.Equal("Hello, Ada!", body.Trim());
        Assert.Equal((65532, 65532), (security.Uid, security.Gid));
        Assert.Equal((0UL, 0UL, 0UL), (security.EffectiveCapabilities, security.PermittedCapabilities, security.BoundingCapabilities));
        Assert.True(security.NoNewPrivileges, "no new privileges");
        Assert.Equal(ProcessSecurity.SeccompFilter, security.SeccompMode);
        Assert.True(security.ReadOnlyRoot, "read-only root filesystem");
    }
}
