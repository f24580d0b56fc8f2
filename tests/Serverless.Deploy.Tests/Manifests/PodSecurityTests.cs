using k8s.Models;

namespace Serverless.Deploy.Tests.Manifests;

/// <summary>Every pod the manifests run meets the "restricted" Pod Security Standard and the contract's ports and limits.</summary>
public sealed class PodSecurityTests
{
    public static TheoryData<string> Deployments => new(TypedManifests.OfType<V1Deployment>().Select(d => d.Metadata.Name));

    private static V1Deployment Deployment(string name) => Assert.Single(TypedManifests.OfType<V1Deployment>(), d => d.Metadata.Name == name);

    private static IEnumerable<V1Container> Containers(V1PodSpec pod) => pod.Containers.Concat(pod.InitContainers ?? []);

    [Theory]
    [MemberData(nameof(Deployments))]
    public void PodTemplate_EveryDeployment_IsRestricted(string name)
    {
        var pod = Deployment(name).Spec.Template.Spec;

        Assert.True(pod.SecurityContext?.RunAsNonRoot, "pod runAsNonRoot");
        Assert.Equal("RuntimeDefault", pod.SecurityContext?.SeccompProfile?.Type);
        Assert.NotEqual(true, pod.HostNetwork);
        Assert.NotEqual(true, pod.HostPID);
        Assert.NotEqual(true, pod.HostIPC);
        Assert.All(pod.Volumes ?? [], v => Assert.Null(v.HostPath));
        Assert.All(Containers(pod), c =>
        {
            var security = c.SecurityContext;
            Assert.NotNull(security);
            Assert.False(security.AllowPrivilegeEscalation ?? true, c.Name + ": allowPrivilegeEscalation");
            Assert.True(security.ReadOnlyRootFilesystem, c.Name + ": readOnlyRootFilesystem");
            Assert.True(security.RunAsNonRoot ?? pod.SecurityContext!.RunAsNonRoot, c.Name + ": runAsNonRoot");
            Assert.NotEqual(true, security.Privileged);
            Assert.Equal(["ALL"], security.Capabilities?.Drop);
            Assert.Null(security.Capabilities?.Add);
            Assert.Equal("RuntimeDefault", security.SeccompProfile?.Type ?? pod.SecurityContext!.SeccompProfile.Type);
            Assert.Equal(65532, security.RunAsUser ?? pod.SecurityContext!.RunAsUser);
        });
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void PodTemplate_EveryContainer_HasRequestsAndLimitsNotBelowThem(string name)
    {
        Assert.All(Containers(Deployment(name).Spec.Template.Spec), c =>
        {
            foreach (var resource in new[] { "cpu", "memory" })
            {
                Assert.True(c.Resources?.Requests?.ContainsKey(resource), $"{c.Name}: requests.{resource}");
                Assert.True(c.Resources?.Limits?.ContainsKey(resource), $"{c.Name}: limits.{resource}");
                Assert.True(
                    c.Resources!.Limits![resource].ToDecimal() >= c.Resources.Requests![resource].ToDecimal(),
                    $"{c.Name}: limits.{resource} below requests.{resource}");
            }
        });
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void PodTemplate_EveryComponent_ProbesHealthAndReadinessOn9090(string name)
    {
        var container = Assert.Single(Deployment(name).Spec.Template.Spec.Containers);
        var metricsPort = Assert.Single(container.Ports, p => p.Name == "metrics");

        Assert.Equal(9090, metricsPort.ContainerPort);
        Assert.Equal("/readyz", container.ReadinessProbe?.HttpGet?.Path);
        Assert.Equal("/healthz", container.LivenessProbe?.HttpGet?.Path);
        Assert.Equal("metrics", container.ReadinessProbe!.HttpGet.Port.Value);
        Assert.Equal("metrics", container.LivenessProbe!.HttpGet.Port.Value);
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void PodTemplate_EveryComponent_RunsThePlatformImageWithAWritableTmp(string name)
    {
        var pod = Deployment(name).Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);

        Assert.Equal(name, container.Name);
        Assert.Equal("ghcr.io/serverless-dev/platform:0.1.0", container.Image);
        Assert.Equal(["kubernetes", name], container.Args);
        Assert.Null(container.Command);
        var tmp = Assert.Single(container.VolumeMounts, m => m.MountPath == "/tmp");
        Assert.NotNull(Assert.Single(pod.Volumes, v => v.Name == tmp.Name).EmptyDir);
        Assert.Equal("serverless-" + name, pod.ServiceAccountName);
    }

    [Theory]
    [InlineData("controller", 2, 2)]
    [InlineData("activator", 2, int.MaxValue)]
    [InlineData("autoscaler", 1, 1)]
    public void Deployment_Replicas_FollowTheContract(string name, int min, int max)
    {
        var deployment = Deployment(name);

        Assert.InRange(deployment.Spec.Replicas ?? 1, min, max);
        Assert.Equal("serverless-system", deployment.Metadata.NamespaceProperty);
    }
}
