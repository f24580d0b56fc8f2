using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Backends.Kubernetes.Pools;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Core.Api;
using Serverless.Hosting.KubeApi.Resources;

namespace Serverless.Platform.Tests.Kubernetes.Pools;

/// <summary>
/// What the pool tests under a namespace's ResourceQuotas and LimitRanges share: namespace team-a on the API double,
/// a pool reconciler that reports its withheld pods and Events, the functions' own pods, and reads of the pool.
/// </summary>
internal static class PoolNamespaceKit
{
    public const string Ns = "team-a";

    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static PoolReconciler Reconciler(IKubernetes client, KubernetesPoolOptions options, RecordingEvents events, Action<IReadOnlyDictionary<(string, string), int>> withheld) =>
        new(client, options, new KubernetesWorkloadOptions(), TimeProvider.System, NullLogger<PoolReconciler>.Instance)
        {
            Events = events,
            WithheldReported = w => withheld(w.ToDictionary(e => (e.Key.Runtime, e.Key.Reason), e => e.Value)),
            QuotaSettle = TimeSpan.Zero,
        };

    public static Function Function(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns, Uid = Guid.NewGuid().ToString() },
        Spec = new FunctionSpec { Runtime = RuntimeNames.Python, Handler = "main:handle", Source = new FunctionSource { ConfigMap = name + "-artifact" } },
    };

    /// <summary>A python Function {name} with its artifact ConfigMap {name}-artifact, created as a user would.</summary>
    public static async Task CreatePythonFunctionAsync(IKubernetes user, string name)
    {
        await user.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name + "-artifact" }, BinaryData = new Dictionary<string, byte[]> { [DeploymentBuilder.ArtifactKey] = [1] } }, Ns);
        await user.CustomObjects.CreateNamespacedCustomObjectAsync(
            new JsonObject
            {
                ["apiVersion"] = ApiGroup.ApiVersion,
                ["kind"] = Core.Api.Function.KindName,
                ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Ns },
                ["spec"] = new JsonObject { ["runtime"] = RuntimeNames.Python, ["handler"] = "main:handle", ["source"] = new JsonObject { ["configMap"] = name + "-artifact" } },
            },
            ApiGroup.Group, ApiGroup.Version, Ns, Core.Api.Function.Plural);
    }

    public static Task CreateQuotaAsync(IKubernetes user, params (string Resource, string Hard)[] hard) =>
        user.CoreV1.CreateNamespacedResourceQuotaAsync(
            new V1ResourceQuota { Metadata = new V1ObjectMeta { Name = "compute", NamespaceProperty = Ns }, Spec = new V1ResourceQuotaSpec { Hard = Q(hard) } },
            Ns);

    /// <summary>One of a function's own pods (what its Deployment would create), counted in the quota as the functions' use: fn-{index}, requesting <paramref name="cpu"/>.</summary>
    public static Task CreateFunctionPodAsync(IKubernetes user, int index, string? cpu = "100m") =>
        CreateFunctionPodAsync(user, $"fn-{index}", cpu is null ? null : new V1ResourceRequirements { Requests = Q(("cpu", cpu)) });

    public static Task CreateFunctionPodAsync(IKubernetes user, string name, V1ResourceRequirements? resources) =>
        user.CoreV1.CreateNamespacedPodAsync(
            new V1Pod
            {
                Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "fn" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "python:3", Resources = resources }] },
            },
            Ns);

    public static Dictionary<string, ResourceQuantity> Q(params (string Resource, string Value)[] values) =>
        values.ToDictionary(v => v.Resource, v => new ResourceQuantity(v.Value));

    /// <summary>The python pool Deployment's desired replicas.</summary>
    public static async Task<int> ReplicasAsync(IKubernetes client) =>
        (await client.AppsV1.ReadNamespacedDeploymentAsync(PoolLabels.DeploymentName(RuntimeNames.Python), Ns)).Spec.Replicas ?? 0;

    /// <summary>The namespace's pool pods not being deleted.</summary>
    public static async Task<List<V1Pod>> PoolPodsAsync(IKubernetes client) =>
        [.. (await client.CoreV1.ListNamespacedPodAsync(Ns, labelSelector: PoolLabels.AnyPoolSelector)).Items.Where(p => p.Metadata.DeletionTimestamp is null)];

    public static async Task<int> PoolPodCountAsync(IKubernetes client) => (await PoolPodsAsync(client)).Count;

    /// <summary>The quota "compute"'s status.used of <paramref name="resource"/>, −1 when it has none yet.</summary>
    public static async Task<decimal> UsedAsync(IKubernetes client, string resource) =>
        (await client.CoreV1.ReadNamespacedResourceQuotaAsync("compute", Ns)).Status?.Used is { } used && used.TryGetValue(resource, out var quantity) ? quantity.ToDecimal() : -1;

    public static async Task Until(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < Bound, $"not within {Bound}: {what}");
            await Task.Delay(20);
        }
    }
}
