using Serverless.Backends.Kubernetes.Resources;
using static Serverless.Backends.Kubernetes.Tests.KubeTestObjects;

namespace Serverless.Backends.Kubernetes.Tests.Resources;

public sealed class ServiceBuilderTests
{
    [Fact]
    public void Build_Function_ClusterIpPort80ToPods8080()
    {
        var function = TestFunction("team-a", "hello");
        var service = ServiceBuilder.Build(function, Key(function));

        Assert.Equal(("hello", "team-a", "ClusterIP"), (service.Metadata.Name, service.Metadata.NamespaceProperty, service.Spec.Type));
        var port = Assert.Single(service.Spec.Ports);
        Assert.Equal(("http", 80, "8080"), (port.Name, port.Port, port.TargetPort.Value));
        Assert.Equal("hello", service.Spec.Selector[WorkloadLabels.Function]);
        Assert.Equal("uid-hello", Assert.Single(service.Metadata.OwnerReferences).Uid);
    }

    [Fact]
    public void ForUpdate_LiveService_KeepsTheAllocatedClusterIp()
    {
        var function = TestFunction("default", "hello");
        var live = ServiceBuilder.Build(function, Key(function));
        live.Metadata.ResourceVersion = "9";
        live.Spec.ClusterIP = "10.0.0.12";
        live.Spec.ClusterIPs = ["10.0.0.12"];
        live.Spec.Ports[0].Port = 81;

        var update = ServiceBuilder.ForUpdate(live, ServiceBuilder.Build(function, Key(function)));

        Assert.Equal(("9", "10.0.0.12", 80), (update.Metadata.ResourceVersion, update.Spec.ClusterIP, update.Spec.Ports[0].Port));
    }
}
