using System.Globalization;
using k8s.Models;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Kubernetes.Resources;

/// <summary>
/// Knative's <c>MakeDeployment</c>: the Deployment a Function should have, from the validated, defaulted
/// Function and its <see cref="WorkloadSpec"/>. Pure; the comparison with the live object is
/// <see cref="LiveObjectMatcher"/>.
/// </summary>
internal static class DeploymentBuilder
{
    public const string ContainerName = "function";
    public const string UnpackContainerName = "unpack";
    public const int ContainerPort = 8080;

    /// <summary>
    /// PLATFORM_PORT: the runtime's <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>, which the kubelet probes and the
    /// PodMonitor scrapes; the Service never targets it, so the activator cannot reach it and every path on
    /// <see cref="ContainerPort"/> is the function's. 9091 is the port of Knative's queue-proxy for the same metrics.
    /// </summary>
    public const int PlatformPort = 9091;

    /// <summary>The name of <see cref="PlatformPort"/> in the pod spec, which deploy/monitoring's PodMonitor selects.</summary>
    public const string PlatformPortName = "platform";
    public const int RunAsId = 65532;
    public const string FunctionMountPath = "/function";
    public const string ArtifactMountPath = "/artifact";
    public const string ArtifactKey = "function.tar.gz";

    /// <summary>
    /// Where the runtime listens in the pod. The runtimes default to loopback (their local-mode default), where
    /// neither the kubelet's probes nor the activator reach them, so the pod spec says it rather than each image.
    /// </summary>
    public const string ListenAddress = "0.0.0.0";

    /// <summary>Extra seconds beyond the function timeout so a request admitted just before SIGTERM can finish.</summary>
    public const int TerminationGraceSeconds = 5;

    /// <summary>
    /// How long a terminating pod keeps serving before its runtime gets SIGTERM (the preStop hook). The pod leaves the
    /// EndpointSlice the moment it starts terminating, but the activators learn it through a watch: until they do they
    /// still send it requests, which a runtime that drained and exited would refuse. Knative's queue-proxy waits for the
    /// same reason. The runtime needs <c>sleep</c> on its PATH, as the Debian-based images have; without it the kubelet
    /// logs a FailedPreStopHook Event and stops the pod at once, as before.
    /// </summary>
    public const int PreStopSeconds = 5;

    /// <param name="replicas">Only for a create: the autoscaler owns <c>spec.replicas</c> of an existing Deployment.</param>
    /// <param name="revision">
    /// The Revision the workload runs (<see cref="WorkloadSpec.RevisionName"/>), when known: its artifact and resources
    /// are the pods', not the Function's current ones (a rollback by name runs the old code). For a split's other
    /// revision (<see cref="WorkloadSpec.Function"/> set) it is required: it owns the Deployment.
    /// </param>
    public static V1Deployment Build(Core.Api.Function function, WorkloadSpec spec, KubernetesWorkloadOptions options, int? replicas, Core.Api.Revision? revision = null)
    {
        var name = spec.Key.Name;
        var runs = revision is null ? function : AsRevision(function, revision);
        Dictionary<string, string> labels;
        Dictionary<string, string> selector;
        V1OwnerReference owner;
        if (spec.Function is { } functionName)
        {
            ArgumentNullException.ThrowIfNull(revision);
            labels = WorkloadLabels.ForRevision(functionName, revision.Metadata.Name);
            selector = WorkloadLabels.RevisionSelector(functionName, revision.Metadata.Name);
            owner = RevisionOwner.Reference(revision);
        }
        else
        {
            labels = WorkloadLabels.For(name);
            selector = WorkloadLabels.For(name);
            owner = FunctionOwner.Reference(function);
        }

        var podLabels = new Dictionary<string, string>(selector, StringComparer.Ordinal) { [WorkloadLabels.Revision] = spec.Revision };
        if (spec.RevisionName is { } revisionName)
        {
            podLabels[WorkloadLabels.RevisionName] = revisionName;
        }

        var image = spec.Image ?? RuntimeImage(spec.Runtime, options);
        var fromArtifact = spec.Image is null;

        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = spec.Key.Namespace,
                Labels = labels,
                OwnerReferences = [owner],
            },
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector { MatchLabels = selector },
                // Surge, never go below the wanted count: a rollout starts new instances first and
                // drains old ones once the replacements are ready (the IWorkloadManager contract).
                Strategy = new V1DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = "25%", MaxUnavailable = 0 },
                },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = podLabels },
                    Spec = new V1PodSpec
                    {
                        Containers = [MainContainer(runs, spec, image, fromArtifact)],
                        InitContainers = fromArtifact ? [UnpackContainer(runs, image)] : null,
                        Volumes = Volumes(runs, fromArtifact),
                        // The preStop wait counts against the grace period, so it comes on top.
                        TerminationGracePeriodSeconds = spec.TimeoutSeconds + TerminationGraceSeconds + PreStopSeconds,
                        // Function code never talks to the API server; no token, no Service env noise
                        // (with a thousand functions per namespace that is thousands of variables).
                        AutomountServiceAccountToken = false,
                        EnableServiceLinks = false,
                        SecurityContext = new V1PodSecurityContext
                        {
                            RunAsNonRoot = true,
                            RunAsUser = RunAsId,
                            RunAsGroup = RunAsId,
                            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                        },
                    },
                },
            },
        };
    }

    /// <summary>
    /// The object to write when the live Deployment drifted: what we want, on top of the live object's
    /// identity (resourceVersion for optimistic concurrency) and its replicas, which the autoscaler owns.
    /// Labels and annotations others added are kept.
    /// </summary>
    public static V1Deployment ForUpdate(V1Deployment live, V1Deployment desired)
    {
        var update = Core.Serialization.ResourceJson.Clone(desired);
        update.Metadata.ResourceVersion = live.Metadata.ResourceVersion;
        update.Metadata.Uid = live.Metadata.Uid;
        update.Metadata.Labels = Merge(live.Metadata.Labels, desired.Metadata.Labels);
        update.Metadata.Annotations = live.Metadata.Annotations;
        update.Spec.Replicas = live.Spec?.Replicas;
        return update;
    }

    /// <summary>The Function as <paramref name="revision"/> ran it: the revision's artifact and resources.</summary>
    private static Core.Api.Function AsRevision(Core.Api.Function function, Core.Api.Revision revision)
    {
        var copy = Core.Serialization.ResourceJson.Clone(function);
        var spec = Core.Serialization.ResourceJson.Clone(revision.Spec);
        copy.Spec.Source = spec.Source;
        copy.Spec.Resources = spec.Resources;
        return copy;
    }

    internal static Dictionary<string, string> Merge(IDictionary<string, string>? live, IDictionary<string, string>? ours)
    {
        var merged = new Dictionary<string, string>(live ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (key, value) in ours ?? new Dictionary<string, string>())
        {
            merged[key] = value;
        }

        return merged;
    }

    private static string RuntimeImage(string runtime, KubernetesWorkloadOptions options) =>
        options.RuntimeImages.TryGetValue(runtime, out var image)
            ? image
            : throw new InvalidOperationException($"no runtime image is configured for runtime \"{runtime}\" (option runtime-image-{runtime})");

    private static V1Container MainContainer(Core.Api.Function function, WorkloadSpec spec, string image, bool fromArtifact)
    {
        var mounts = new List<V1VolumeMount> { new() { Name = "tmp", MountPath = "/tmp" } };
        if (fromArtifact)
        {
            mounts.Add(new V1VolumeMount { Name = "function", MountPath = FunctionMountPath, ReadOnlyProperty = true });
        }

        return new V1Container
        {
            Name = ContainerName,
            Image = image,
            Ports =
            [
                new V1ContainerPort { Name = "http", ContainerPort = ContainerPort, Protocol = "TCP" },
                new V1ContainerPort { Name = PlatformPortName, ContainerPort = PlatformPort, Protocol = "TCP" },
            ],
            Env = Environment(spec, fromArtifact),
            Resources = function.Spec.Resources,
            ReadinessProbe = Probe("/readyz", periodSeconds: 1, failureThreshold: 3),
            Lifecycle = new V1Lifecycle
            {
                PreStop = new V1LifecycleHandler
                {
                    Exec = new V1ExecAction { Command = ["sleep", PreStopSeconds.ToString(CultureInfo.InvariantCulture)] },
                },
            },
            LivenessProbe = Probe("/healthz", periodSeconds: 10, failureThreshold: 3),
            SecurityContext = RestrictedContainer(),
            VolumeMounts = mounts,
        };
    }

    private static V1Container UnpackContainer(Core.Api.Function function, string image) => new()
    {
        Name = UnpackContainerName,
        Image = image,
        Command = ["tar", "-xzf", ArtifactMountPath + "/" + ArtifactKey, "-C", FunctionMountPath],
        Resources = function.Spec.Resources,
        SecurityContext = RestrictedContainer(),
        VolumeMounts =
        [
            new V1VolumeMount { Name = "artifact", MountPath = ArtifactMountPath, ReadOnlyProperty = true },
            new V1VolumeMount { Name = "function", MountPath = FunctionMountPath },
        ],
    };

    private static List<V1Volume> Volumes(Core.Api.Function function, bool fromArtifact)
    {
        var volumes = new List<V1Volume> { new() { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() } };
        if (fromArtifact)
        {
            volumes.Add(new V1Volume { Name = "artifact", ConfigMap = new V1ConfigMapVolumeSource { Name = function.Spec.Source?.ConfigMap } });
            volumes.Add(new V1Volume { Name = "function", EmptyDir = new V1EmptyDirVolumeSource() });
        }

        return volumes;
    }

    /// <summary>
    /// The function's <c>env</c> first, then the runtime contract's variables (validation already rejects
    /// function variables with those names), as the local backend sets them (runtimes/README.md). <c>HOST</c>
    /// is not reserved: a function that sets it keeps its value, as it did over the image's <c>ENV</c>.
    /// </summary>
    private static List<V1EnvVar> Environment(WorkloadSpec spec, bool fromArtifact)
    {
        var timeout = spec.TimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        var env = spec.Environment.Select(e => new V1EnvVar { Name = e.Key, Value = e.Value }).ToList();
        env.Add(new V1EnvVar { Name = "PORT", Value = ContainerPort.ToString(CultureInfo.InvariantCulture) });
        env.Add(new V1EnvVar { Name = "PLATFORM_PORT", Value = PlatformPort.ToString(CultureInfo.InvariantCulture) });
        if (!spec.Environment.Any(e => e.Key == "HOST"))
        {
            env.Add(new V1EnvVar { Name = "HOST", Value = ListenAddress });
        }

        if (spec.Handler.Length > 0)
        {
            env.Add(new V1EnvVar { Name = "HANDLER", Value = spec.Handler });
        }

        if (fromArtifact)
        {
            env.Add(new V1EnvVar { Name = "FUNCTION_PATH", Value = FunctionMountPath });
        }

        env.Add(new V1EnvVar { Name = "CONTAINER_CONCURRENCY", Value = spec.ContainerConcurrency.ToString(CultureInfo.InvariantCulture) });
        env.Add(new V1EnvVar { Name = "FUNCTION_TIMEOUT", Value = timeout });
        env.Add(new V1EnvVar
        {
            Name = "INSTANCE_ID",
            ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } },
        });

        // Knative's identity variables (its runtime contract's SHOULD), and the namespace, which the runtimes label their metrics with.
        // Every revision's pods are the Function's service and configuration (a revision workload's key is the revision's
        // name); K_REVISION is the Revision's name, as Knative's, the content hash only where no Revision was cut.
        env.Add(new V1EnvVar { Name = "K_SERVICE", Value = spec.Function ?? spec.Key.Name });
        env.Add(new V1EnvVar { Name = "K_CONFIGURATION", Value = spec.Function ?? spec.Key.Name });
        env.Add(new V1EnvVar { Name = "K_REVISION", Value = spec.RevisionName ?? spec.Revision });
        env.Add(new V1EnvVar { Name = "FUNCTION_NAMESPACE", Value = spec.Key.Namespace });
        return env;
    }

    private static V1Probe Probe(string path, int periodSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = PlatformPort },
        PeriodSeconds = periodSeconds,
        FailureThreshold = failureThreshold,
    };

    private static V1SecurityContext RestrictedContainer() => new()
    {
        RunAsNonRoot = true,
        RunAsUser = RunAsId,
        RunAsGroup = RunAsId,
        ReadOnlyRootFilesystem = true,
        AllowPrivilegeEscalation = false,
        Capabilities = new V1Capabilities { Drop = ["ALL"] },
        SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
    };
}
