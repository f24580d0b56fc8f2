using k8s.Models;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Core.Serialization;
using static Serverless.Backends.Kubernetes.Tests.KubeTestObjects;

namespace Serverless.Backends.Kubernetes.Tests.Resources;

public sealed class LiveObjectMatcherTests
{
    public static TheoryData<string, Action<V1Deployment>, bool> DeploymentEdits => new()
    {
        { "unchanged", _ => { }, true },
        { "replicas changed by the autoscaler", d => d.Spec.Replicas = 9, true },
        { "server defaults filled in", ServerDefaults, true },
        { "a foreign label and annotation added", d => { d.Metadata.Labels["team"] = "a"; d.Metadata.Annotations = new Dictionary<string, string> { ["note"] = "x" }; }, true },
        { "quantity in canonical form", d => d.Spec.Template.Spec.Containers[0].Resources.Requests["cpu"] = new ResourceQuantity("0.5"), true },
        { "image edited", d => d.Spec.Template.Spec.Containers[0].Image = "evil:latest", false },
        { "env var removed", d => d.Spec.Template.Spec.Containers[0].Env.RemoveAt(0), false },
        { "env var added", d => d.Spec.Template.Spec.Containers[0].Env.Add(new V1EnvVar { Name = "X", Value = "1" }), false },
        { "our label changed", d => d.Metadata.Labels[WorkloadLabels.ManagedBy] = "someone", false },
        { "ownerReference removed", d => d.Metadata.OwnerReferences = null, false },
        { "security loosened", d => d.Spec.Template.Spec.Containers[0].SecurityContext.ReadOnlyRootFilesystem = false, false },
        { "cpu request changed", d => d.Spec.Template.Spec.Containers[0].Resources.Requests["cpu"] = new ResourceQuantity("1"), false },
        { "revision label changed", d => d.Spec.Template.Metadata.Labels[WorkloadLabels.Revision] = "old", false },
    };

    [Theory]
    [MemberData(nameof(DeploymentEdits))]
    public void DeploymentMatches_LiveEdit_DriftOnlyWhenAWantedFieldChanged(string label, Action<V1Deployment> edit, bool matches)
    {
        var function = TestFunction("default", "hello", WithEnv("A", "b"), WithResources("500m", "128Mi"));
        var desired = Deployment(function, replicas: 1);
        var live = ResourceJson.Clone(desired);
        live.Metadata.ResourceVersion = "7";
        live.Status = new V1DeploymentStatus { Replicas = 1 };
        edit(live);

        Assert.True(matches == LiveObjectMatcher.DeploymentMatches(live, desired), label);
    }

    [Theory]
    [InlineData("unchanged", true)]
    [InlineData("cluster IP allocated", true)]
    [InlineData("selector edited", false)]
    [InlineData("port edited", false)]
    public void ServiceMatches_LiveEdit_DriftOnlyWhenAWantedFieldChanged(string edit, bool matches)
    {
        var function = TestFunction("default", "hello");
        var desired = ServiceBuilder.Build(function, Key(function));
        var live = ResourceJson.Clone(desired);
        switch (edit)
        {
            case "cluster IP allocated": live.Spec.ClusterIP = "10.0.0.1"; live.Spec.SessionAffinity = "None"; break;
            case "selector edited": live.Spec.Selector[WorkloadLabels.Function] = "other"; break;
            case "port edited": live.Spec.Ports[0].Port = 8081; break;
        }

        Assert.Equal(matches, LiveObjectMatcher.ServiceMatches(live, desired));
    }

    private static void ServerDefaults(V1Deployment deployment)
    {
        deployment.Metadata.Uid = "u1";
        deployment.Metadata.Generation = 3;
        deployment.Spec.RevisionHistoryLimit = 10;
        deployment.Spec.ProgressDeadlineSeconds = 600;
        var pod = deployment.Spec.Template.Spec;
        pod.RestartPolicy = "Always";
        pod.DnsPolicy = "ClusterFirst";
        pod.SchedulerName = "default-scheduler";
        var container = pod.Containers[0];
        container.ImagePullPolicy = "IfNotPresent";
        container.TerminationMessagePath = "/dev/termination-log";
        container.ReadinessProbe.TimeoutSeconds = 1;
        container.ReadinessProbe.HttpGet.Scheme = "HTTP";
    }
}
