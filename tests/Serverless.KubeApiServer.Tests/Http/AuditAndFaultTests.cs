using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Serverless.KubeApiServer.Audit;
using Serverless.KubeApiServer.Faults;
using Serverless.TestSupport;
using static Serverless.KubeApiServer.Tests.Http.Objects;

namespace Serverless.KubeApiServer.Tests.Http;

public sealed class AuditAndFaultTests
{
    [Fact]
    public async Task Audit_Requests_RecordIdentityVerbAndResource()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var controller = server.CreateClient("controller");
        await controller.AppsV1.CreateNamespacedDeploymentAsync(Deployment("f"), Namespace);
        await controller.AppsV1.ReadNamespacedDeploymentScaleAsync("f", Namespace);
        await server.CreateClient("activator").DiscoveryV1.ListNamespacedEndpointSliceAsync(Namespace);

        Assert.Equal(
            [
                new AuditRecord("controller", "create", "apps", "deployments", null, Namespace, null, 201),
                new AuditRecord("controller", "get", "apps", "deployments", "scale", Namespace, "f", 200),
                new AuditRecord("activator", "list", "discovery.k8s.io", "endpointslices", null, Namespace, null, 200),
            ],
            server.Audit.Records);
        Assert.Equal(3, server.RequestCount);
    }

    [Fact]
    public async Task Faults_FailNext_AnswersCodeThenRecovers()
    {
        await using var server = await KubeApiDouble.StartAsync();
        var client = server.CreateClient();
        server.Faults.FailNext(1, 500, r => r.Verb == "create" && r.Resource == "configmaps");

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace));
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Namespace);

        Assert.Equal(HttpStatusCode.InternalServerError, error.Response.StatusCode);
        Assert.Equal([500, 201], server.Audit.Records.Select(r => r.StatusCode));
    }

    [Fact]
    public async Task Faults_Hang_HoldsUntilClientGivesUp()
    {
        await using var server = await KubeApiDouble.StartAsync();
        server.Faults.Add(new FaultRule(r => r.Verb == "list", 1, FaultKind.Hang));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => server.CreateClient().CoreV1.ListNamespacedConfigMapAsync(Namespace, cancellationToken: cts.Token));
    }

    [Fact]
    public async Task Kubeconfig_WrittenFile_ClientUsesIdentityAndNamespace()
    {
        await using var server = await KubeApiDouble.StartAsync();
        using var dir = new TempDirectory();
        var path = server.WriteKubeconfig(Path.Combine(dir.Path, "config"), "cli", "team");

        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
        using var client = new Kubernetes(config);
        await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), config.Namespace);

        Assert.Equal("team", config.Namespace);
        Assert.Equal("cli", server.Audit.Records.Single().Identity);
        Assert.NotNull(server.GetObject(ResourceTypes.ConfigMaps, "team", "a"));
    }
}
