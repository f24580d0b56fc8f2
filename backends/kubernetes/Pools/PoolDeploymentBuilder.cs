using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using k8s.Models;
using Serverless.Backends.Kubernetes.Resources;

namespace Serverless.Backends.Kubernetes.Pools;

/// <summary>
/// The pool Deployment of one runtime in one namespace: <c>size</c> generic runtime pods (FUNCTION_GENERIC=1), started
/// and listening with no function, under the same restricted pod security as a function's pods. Pure.
/// </summary>
/// <remarks>
/// The pool lives in the functions' namespace, not in serverless-system: a claimed pod must end up selected by the
/// function's Service (same namespace), and a pod cannot change namespace. So a function's code and env only ever
/// reach a pod that then belongs to that function in its own namespace.
/// </remarks>
internal static class PoolDeploymentBuilder
{
    /// <summary>The platform's public key (<see cref="PoolSigningKey.PublicJwk"/>): the same in every pool, and no secret.</summary>
    public const string KeyVariable = "SPECIALIZE_KEY";

    /// <summary>The pod's own uid (downward API): what a specialization's signature must name.</summary>
    public const string PodUidVariable = "SPECIALIZE_POD_UID";

    /// <summary>
    /// The pod's whole life may be a function's: the longest function timeout the defaults allow (300 s) plus the
    /// drain margins of <see cref="DeploymentBuilder"/>.
    /// </summary>
    public const int TerminationGraceSeconds = 300 + DeploymentBuilder.TerminationGraceSeconds + DeploymentBuilder.PreStopSeconds;

    /// <param name="resources">The pool pods' container resources (<see cref="KubernetesPoolOptions.Resources"/>), or null for none.</param>
    public static V1Deployment Build(string @namespace, string runtime, string image, int size, string publicKey, V1ResourceRequirements? resources = null)
    {
        var name = PoolLabels.DeploymentName(runtime);
        var selector = new Dictionary<string, string>(StringComparer.Ordinal) { [PoolLabels.Pool] = runtime };
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { [PoolLabels.Pool] = runtime, [PoolLabels.PartOf] = PoolLabels.PartOfValue };

        // Kept by the claim: the pool's NetworkPolicy selects pool pods by it, idle or claimed (PoolNetworkPolicyBuilder).
        var podLabels = new Dictionary<string, string>(labels, StringComparer.Ordinal) { [PoolLabels.FromPool] = runtime };
        var template = new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = podLabels },
            Spec = new V1PodSpec
            {
                Containers = [Container(image, publicKey, resources)],
                Volumes =
                [
                    new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() },
                    new V1Volume { Name = "function", EmptyDir = new V1EmptyDirVolumeSource() },
                ],
                TerminationGracePeriodSeconds = TerminationGraceSeconds,
                AutomountServiceAccountToken = false,
                EnableServiceLinks = false,
                SecurityContext = new V1PodSecurityContext
                {
                    RunAsNonRoot = true,
                    RunAsUser = DeploymentBuilder.RunAsId,
                    RunAsGroup = DeploymentBuilder.RunAsId,
                    SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                },
            },
        };
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = @namespace,
                Labels = labels,
                Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [PoolLabels.SpecHashAnnotation] = Hash(template) },
            },
            Spec = new V1DeploymentSpec
            {
                Replicas = size,
                Selector = new V1LabelSelector { MatchLabels = selector },
                Template = template,
            },
        };
    }

    /// <summary>The public key a pool pod checks specializations with; null for a pod of an older template (not taken).</summary>
    public static string? KeyOf(V1PodSpec? spec) =>
        spec?.Containers?.FirstOrDefault(c => c.Name == DeploymentBuilder.ContainerName)?.Env?.FirstOrDefault(e => e.Name == KeyVariable)?.Value;

    public static string? SpecHashOf(V1Deployment deployment) =>
        deployment.Metadata?.Annotations is { } annotations && annotations.TryGetValue(PoolLabels.SpecHashAnnotation, out var hash) ? hash : null;

    private static string Hash(V1PodTemplateSpec template) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(k8s.KubernetesJson.Serialize(template))))[..16];

    private static V1Container Container(string image, string publicKey, V1ResourceRequirements? resources)
    {
        var port = DeploymentBuilder.ContainerPort.ToString(CultureInfo.InvariantCulture);
        var platformPort = DeploymentBuilder.PlatformPort.ToString(CultureInfo.InvariantCulture);
        return new V1Container
        {
            Name = DeploymentBuilder.ContainerName,
            Image = image,
            Resources = resources,
            Ports =
            [
                new V1ContainerPort { Name = "http", ContainerPort = DeploymentBuilder.ContainerPort, Protocol = "TCP" },
                new V1ContainerPort { Name = DeploymentBuilder.PlatformPortName, ContainerPort = DeploymentBuilder.PlatformPort, Protocol = "TCP" },
            ],
            Env =
            [
                new V1EnvVar { Name = "PORT", Value = port },
                new V1EnvVar { Name = "PLATFORM_PORT", Value = platformPort },
                new V1EnvVar { Name = "HOST", Value = DeploymentBuilder.ListenAddress },
                new V1EnvVar { Name = "FUNCTION_GENERIC", Value = "1" },
                new V1EnvVar { Name = KeyVariable, Value = publicKey },
                new V1EnvVar
                {
                    Name = PodUidVariable,
                    ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.uid" } },
                },
                new V1EnvVar
                {
                    Name = "INSTANCE_ID",
                    ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = "metadata.name" } },
                },
            ],

            // A generic runtime answers /readyz 503 "generic" until specialized: the pool's readiness is /healthz
            // (listening, started), which is what "warm" means. A specialized pod reaches the function's
            // EndpointSlices only after /specialize answered 200.
            ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/healthz", Port = DeploymentBuilder.PlatformPort }, PeriodSeconds = 1, FailureThreshold = 3 },
            LivenessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/healthz", Port = DeploymentBuilder.PlatformPort }, PeriodSeconds = 10, FailureThreshold = 3 },
            Lifecycle = new V1Lifecycle
            {
                PreStop = new V1LifecycleHandler
                {
                    Exec = new V1ExecAction { Command = ["sleep", DeploymentBuilder.PreStopSeconds.ToString(CultureInfo.InvariantCulture)] },
                },
            },
            SecurityContext = new V1SecurityContext
            {
                RunAsNonRoot = true,
                RunAsUser = DeploymentBuilder.RunAsId,
                RunAsGroup = DeploymentBuilder.RunAsId,
                ReadOnlyRootFilesystem = true,
                AllowPrivilegeEscalation = false,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },
            VolumeMounts =
            [
                new V1VolumeMount { Name = "tmp", MountPath = "/tmp" },
                new V1VolumeMount { Name = "function", MountPath = KubernetesPoolOptions.FunctionPath },
            ],
        };
    }
}
