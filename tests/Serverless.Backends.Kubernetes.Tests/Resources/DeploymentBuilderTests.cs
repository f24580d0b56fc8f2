using k8s.Models;
using Serverless.Backends.Kubernetes.Resources;
using static Serverless.Backends.Kubernetes.Tests.KubeTestObjects;

namespace Serverless.Backends.Kubernetes.Tests.Resources;

public sealed class DeploymentBuilderTests
{
    [Fact]
    public void Build_ArtifactFunction_FollowsTheContract()
    {
        var function = TestFunction("team-a", "hello", WithEnv("GREETING", "hi"), WithTimeout(20), WithContainerConcurrency(4));
        var deployment = Deployment(function, replicas: 2);

        Assert.Equal("hello", deployment.Metadata.Name);
        Assert.Equal("team-a", deployment.Metadata.NamespaceProperty);
        Assert.Equal("serverless", deployment.Metadata.Labels[WorkloadLabels.ManagedBy]);
        Assert.Equal("hello", deployment.Metadata.Labels[WorkloadLabels.Function]);
        var owner = Assert.Single(deployment.Metadata.OwnerReferences);
        Assert.Equal(("serverless.dev/v1alpha1", "Function", "hello", "uid-hello", true, true), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        Assert.Equal(2, deployment.Spec.Replicas);
        Assert.Equal(Spec(function).Revision, deployment.Spec.Template.Metadata.Labels[WorkloadLabels.Revision]);
        // What deploy/monitoring/podmonitor.yaml selects and relabels from (tests/Serverless.Deploy.Tests checks that side).
        Assert.Equal(("serverless", "hello"), (deployment.Spec.Template.Metadata.Labels["app.kubernetes.io/managed-by"], deployment.Spec.Template.Metadata.Labels["serverless.dev/function"]));

        var pod = deployment.Spec.Template.Spec;
        // The 20 s timeout, 5 s for the answer to go out, and the 5 s preStop wait before SIGTERM.
        Assert.Equal(30, pod.TerminationGracePeriodSeconds);
        var main = Assert.Single(pod.Containers);
        Assert.Equal("function", main.Name);
        Assert.Equal("ghcr.io/serverless-dev/runtime-node:0.1.0", main.Image);
        Assert.Equal([("http", 8080), ("platform", 9091)], main.Ports.Select(p => (p.Name, p.ContainerPort)).ToArray());
        Assert.Equal(
            [
                ("GREETING", "hi"), ("PORT", "8080"), ("PLATFORM_PORT", "9091"), ("HOST", "0.0.0.0"), ("HANDLER", "index.js:handle"), ("FUNCTION_PATH", "/function"),
                ("CONTAINER_CONCURRENCY", "4"), ("FUNCTION_TIMEOUT", "20"), ("INSTANCE_ID", null),
                ("K_SERVICE", "hello"), ("K_CONFIGURATION", "hello"), ("K_REVISION", Spec(function).Revision), ("FUNCTION_NAMESPACE", "team-a"),
            ],
            main.Env.Select(e => (e.Name, (string?)e.Value)).ToArray());
        Assert.Equal("metadata.name", main.Env.Single(e => e.Name == "INSTANCE_ID").ValueFrom.FieldRef.FieldPath);

        // Issue #16: the probes go to the platform port, off the function's path space (the Service targets only 8080).
        Assert.Equal(("/readyz", "9091"), (main.ReadinessProbe.HttpGet.Path, main.ReadinessProbe.HttpGet.Port.Value));
        Assert.Equal(("/healthz", "9091"), (main.LivenessProbe.HttpGet.Path, main.LivenessProbe.HttpGet.Port.Value));
        Assert.Equal(["sleep", "5"], main.Lifecycle.PreStop.Exec.Command);
        Assert.Contains(main.VolumeMounts, m => m is { Name: "function", MountPath: "/function", ReadOnlyProperty: true });

        var unpack = Assert.Single(pod.InitContainers);
        Assert.Equal(("unpack", main.Image), (unpack.Name, unpack.Image));
        Assert.Equal(["tar", "-xzf", "/artifact/function.tar.gz", "-C", "/function"], unpack.Command);
        Assert.Equal("hello-0123456789", pod.Volumes.Single(v => v.Name == "artifact").ConfigMap.Name);
        Assert.NotNull(pod.Volumes.Single(v => v.Name == "function").EmptyDir);
    }

    public static TheoryData<string, bool> Workloads => new()
    {
        // label, a split's other revision (keyed by the revision's name)
        { "the Function's own workload, running hello-00001", false },
        { "hello-00002, a split's other share", true },
    };

    /// <summary>
    /// Issue #17: the pods carry the revision's name; the Function's own Deployment stays the Function's, a split's other
    /// revision's is owned by its Revision and selected without managed-by (so the Function's Service leaves its pods out),
    /// and each runs its Revision's artifact and resources, not the Function's current ones.
    /// </summary>
    [Theory]
    [MemberData(nameof(Workloads))]
    public void Build_RevisionWorkload_OwnerLabelsAndTheRevisionsArtifact(string label, bool other)
    {
        var function = TestFunction("team-a", "hello", f => f.Spec.Source = new Core.Api.FunctionSource { ConfigMap = "hello-bbbbbbbbbb" });
        var revisionName = other ? "hello-00002" : "hello-00001";
        var revision = new Core.Api.Revision
        {
            Metadata = new V1ObjectMeta { Name = revisionName, NamespaceProperty = "team-a", Uid = "uid-" + revisionName },
            Spec = new Core.Api.RevisionSpec
            {
                Function = "hello",
                Source = new Core.Api.FunctionSource { ConfigMap = "hello-aaaaaaaaaa" },
                Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("64Mi") } },
            },
        };
        var spec = Spec(function) with { RevisionName = revisionName };
        if (other)
        {
            spec = spec with { Key = new Core.Contracts.FunctionKey("team-a", revisionName), Function = "hello" };
        }

        var deployment = DeploymentBuilder.Build(function, spec, new KubernetesWorkloadOptions(), 1, revision);

        var pod = deployment.Spec.Template;
        Assert.Equal(revisionName, pod.Metadata.Labels[WorkloadLabels.RevisionName]);
        Assert.Equal(("hello", spec.Revision), (pod.Metadata.Labels[WorkloadLabels.Function], pod.Metadata.Labels[WorkloadLabels.Revision]));
        Assert.Equal(!other, pod.Metadata.Labels.ContainsKey(WorkloadLabels.ManagedBy));
        Assert.True(deployment.Spec.Selector.MatchLabels.All(l => pod.Metadata.Labels[l.Key] == l.Value), $"{label}: the selector selects the pods");
        var owner = Assert.Single(deployment.Metadata.OwnerReferences);
        Assert.Equal(other ? ("Revision", revisionName, "uid-" + revisionName) : ("Function", "hello", "uid-hello"), (owner.Kind, owner.Name, owner.Uid));
        Assert.Equal((true, true), (owner.Controller, owner.BlockOwnerDeletion));
        Assert.Equal(("serverless", "hello"), (deployment.Metadata.Labels[WorkloadLabels.ManagedBy], deployment.Metadata.Labels[WorkloadLabels.Function]));
        Assert.Equal("hello-aaaaaaaaaa", pod.Spec.Volumes.Single(v => v.Name == "artifact").ConfigMap.Name);
        Assert.Equal("64Mi", pod.Spec.Containers[0].Resources.Limits["memory"].ToString());
        Assert.Contains(pod.Spec.Containers[0].Env, e => e is { Name: "K_SERVICE", Value: "hello" });
        Assert.Contains(pod.Spec.Containers[0].Env, e => e.Name == "K_REVISION" && e.Value == revisionName); // Knative's: the Revision's name
    }

    [Fact]
    public void Build_PrebuiltImage_RunsItWithoutUnpacking()
    {
        var deployment = Deployment(TestFunction("default", "img", WithImage("registry.example/img@sha256:abc")));
        var pod = deployment.Spec.Template.Spec;

        Assert.Equal("registry.example/img@sha256:abc", Assert.Single(pod.Containers).Image);
        Assert.Null(pod.InitContainers);
        Assert.DoesNotContain(pod.Volumes, v => v.Name is "artifact" or "function");
        Assert.DoesNotContain(pod.Containers[0].Env, e => e.Name == "FUNCTION_PATH");
    }

    [Theory]
    [InlineData("artifact")]
    [InlineData("prebuilt image")]
    public void Build_AnyImage_ListensBeyondLoopback(string source)
    {
        // The runtimes listen on loopback unless told otherwise: an image without ENV HOST=0.0.0.0 (spec.image
        // built any other way) would never answer the kubelet's probes.
        var function = source == "artifact" ? TestFunction("default", "hello") : TestFunction("default", "img", WithImage("registry.example/img:1"));

        var env = Assert.Single(Deployment(function).Spec.Template.Spec.Containers).Env;

        Assert.Equal("0.0.0.0", Assert.Single(env, e => e.Name == "HOST").Value);
    }

    [Fact]
    public void Build_FunctionSetsHost_KeepsItsValueOnce()
    {
        var env = Deployment(TestFunction("default", "hello", WithEnv("HOST", "::"))).Spec.Template.Spec.Containers[0].Env;

        Assert.Equal("::", Assert.Single(env, e => e.Name == "HOST").Value);
    }

    [Theory]
    [InlineData("main container")]
    [InlineData("unpack container")]
    public void Build_EveryContainer_IsRestricted(string which)
    {
        var pod = Deployment(TestFunction("default", "hello")).Spec.Template.Spec;
        var container = which == "main container" ? pod.Containers[0] : pod.InitContainers[0];
        var security = container.SecurityContext;

        Assert.True(security.RunAsNonRoot);
        Assert.Equal(65532, security.RunAsUser);
        Assert.True(security.ReadOnlyRootFilesystem);
        Assert.False(security.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], security.Capabilities.Drop);
        Assert.Equal("RuntimeDefault", security.SeccompProfile.Type);
        Assert.Equal("RuntimeDefault", pod.SecurityContext.SeccompProfile.Type);
        Assert.False(pod.AutomountServiceAccountToken);
    }

    [Fact]
    public void Build_Resources_ComeFromTheSpec()
    {
        var container = Deployment(TestFunction("default", "hello", WithResources("250m", "128Mi"))).Spec.Template.Spec.Containers[0];

        Assert.Equal("250m", container.Resources.Requests["cpu"].ToString());
        Assert.Equal("128Mi", container.Resources.Limits["memory"].ToString());
    }

    [Theory]
    [InlineData("create with replicas", 3, 3)]
    [InlineData("no replicas given", null, null)]
    public void Build_Replicas_OnlyWhenGiven(string label, int? replicas, int? expected)
    {
        Assert.NotNull(label);
        Assert.Equal(expected, Deployment(TestFunction("default", "hello"), replicas).Spec.Replicas);
    }

    [Fact]
    public void Build_UnknownRuntimeImage_NamesTheOption()
    {
        var function = TestFunction("default", "hello", f => f.Spec.Runtime = "cobol");
        var error = Assert.Throws<InvalidOperationException>(() => Deployment(function));

        Assert.Contains("runtime-image-cobol", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForUpdate_LiveObject_KeepsReplicasIdentityAndForeignLabels()
    {
        var live = Deployment(TestFunction("default", "hello"), replicas: 7);
        live.Metadata.ResourceVersion = "42";
        live.Metadata.Labels["team"] = "a";
        live.Metadata.Annotations = new Dictionary<string, string> { ["deployment.kubernetes.io/revision"] = "3" };
        var desired = Deployment(TestFunction("default", "hello", WithEnv("A", "b")), replicas: 1);

        var update = DeploymentBuilder.ForUpdate(live, desired);

        Assert.Equal(7, update.Spec.Replicas);
        Assert.Equal("42", update.Metadata.ResourceVersion);
        Assert.Equal("a", update.Metadata.Labels["team"]);
        Assert.Equal("3", update.Metadata.Annotations["deployment.kubernetes.io/revision"]);
        Assert.Contains(update.Spec.Template.Spec.Containers[0].Env, e => e.Name == "A");
        Assert.Equal(1, desired.Spec.Replicas); // the desired object is not mutated
    }
}
