using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Serverless.Backends.Kubernetes.Resources;
using Serverless.Core.Workloads;
using Serverless.Hosting.Kubernetes;

namespace Serverless.Backends.Kubernetes.Pools;

/// <summary>
/// The activator's side of warm pools (Fission's poolmgr): on a cold start, take a ready idle pod of the function's
/// runtime pool in its namespace, claim it (one label patch with a resourceVersion precondition, so two activators or
/// two functions never get the same pod; the label leaves the pool's selector, so its ReplicaSet starts a replacement),
/// send it the function's artifact, handler and env through <c>POST /specialize</c> on its private platform port, and
/// on 200 give it the function's labels, so that the function's Service selects it and its EndpointSlices list it.
/// A pod that fails is deleted, never returned to the pool.
/// </summary>
/// <remarks>
/// The activator does this rather than the controller: it is already on the request's path (no extra hop before the
/// first byte), and it scales out with traffic while the controller is a single leader. What it needs is narrow: pods
/// list/patch/delete and configmaps get, the last only for the artifact it forwards (the ConfigMap the Function names).
/// It signs each specialization for the one pod it claimed (<see cref="PoolSigningKey"/>), with the key it reads once
/// from the platform's Secret (get of that one name).
/// </remarks>
public sealed partial class PoolSpecializer
{
    private readonly IKubernetes _client;
    private readonly HttpClient _http;
    private readonly KubernetesPoolOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PoolKeyStore _keys;

    /// <param name="http">For <c>/specialize</c> calls; its timeout bounds a specialization.</param>
    public PoolSpecializer(IKubernetes client, HttpClient http, KubernetesPoolOptions options, TimeProvider time, ILogger<PoolSpecializer> logger)
    {
        _client = client;
        _http = http;
        _options = options;
        _time = time;
        _logger = logger;
        _keys = new PoolKeyStore(client, options.PlatformNamespace);
    }

    /// <summary>Where a pod's platform port is; by default its IP and 9091. Tests point it at a runtime on loopback.</summary>
    public Func<V1Pod, Uri> AdminAddress { get; init; } = pod =>
        new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{FormatHost(pod.Status.PodIP)}:{DeploymentBuilder.PlatformPort}/"));

    /// <summary>Where a pod's runtime unpacks the artifact: its writable emptyDir. Tests give each stand-in process a directory of its own.</summary>
    public Func<V1Pod, string> FunctionPathFor { get; init; } = _ => KubernetesPoolOptions.FunctionPath;

    /// <summary>Claims attempts per cold start: a lost claim (another activator took the pod) moves on to the next pod.</summary>
    public int MaxClaims { get; init; } = 3;

    /// <summary>Specializes an idle pool pod into the Function's own workload (an older layout's).</summary>
    public Task<PoolSpecialization> SpecializeAsync(Core.Api.Function function, CancellationToken cancellationToken) =>
        SpecializeAsync(function, null, cancellationToken);

    /// <param name="function">The Function whose current spec the pod runs.</param>
    /// <param name="revision">
    /// The revision whose workload the pod joins (its latest, which runs that spec): the pod gets the labels of that
    /// revision's pods, so its Service selects it. Null joins the Function's own workload (an older layout's).
    /// </param>
    /// <param name="cancellationToken">Cancels the claim and the specialization.</param>
    public async Task<PoolSpecialization> SpecializeAsync(Core.Api.Function function, string? revision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (PoolEligibility.WhyNot(function, _options) is { } why)
        {
            return new PoolSpecialization(PoolOutcome.NotEligible, null, why);
        }

        var ns = function.Metadata.NamespaceProperty;
        var runtime = function.Spec.Runtime!;
        var artifact = ReadArtifactAsync(ns, function.Spec.Source!.ConfigMap!, cancellationToken);
        var key = _keys.ReadAsync(cancellationToken);
        try
        {
            var pods = await _client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: PoolLabels.IdleSelector(runtime), cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var pod in (pods.Items ?? []).Where(IsIdle).OrderBy(p => p.Metadata.CreationTimestamp).Take(MaxClaims))
            {
                if (!await ClaimAsync(pod, function, cancellationToken).ConfigureAwait(false))
                {
                    LogClaimLost(_logger, ns, pod.Metadata.Name);
                    continue;
                }

                return await SpecializePodAsync(pod, function, revision, await artifact.ConfigureAwait(false), await key.ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            }

            return new PoolSpecialization(PoolOutcome.NoIdlePod, null, $"no idle {runtime} pool pod in {ns}");
        }
        finally
        {
            // Observe a failed artifact read that nobody awaited.
            _ = artifact.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            _ = key.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private static bool IsIdle(V1Pod pod) =>
        pod.Metadata.DeletionTimestamp is null
        && pod.Status?.PodIP is { Length: > 0 }
        && pod.Status.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true
        && PoolDeploymentBuilder.KeyOf(pod.Spec) is { Length: > 0 };

    /// <summary>
    /// Takes the pod out of the pool: the selector label goes, the claim label and the Function's controller reference
    /// come (so deleting the Function collects it, and no ReplicaSet adopts it). The reference does not block the
    /// owner's deletion: that would need update on functions/finalizers for the activator, and a foreground deletion of
    /// a Function need not wait for its bridge pod. The resourceVersion makes it a
    /// compare-and-swap: false when someone else changed the pod first.
    /// </summary>
    private async Task<bool> ClaimAsync(V1Pod pod, Core.Api.Function function, CancellationToken cancellationToken)
    {
        var owner = FunctionOwner.Reference(function);
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = pod.Metadata.ResourceVersion,
                ["annotations"] = new JsonObject { [PoolLabels.ClaimedAtAnnotation] = _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) },
                ["labels"] = new JsonObject
                {
                    [PoolLabels.Pool] = null,
                    [PoolLabels.ClaimedFor] = function.Metadata.Name,
                    [PoolLabels.FromPool] = function.Spec.Runtime,
                },
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = owner.ApiVersion,
                    ["kind"] = owner.Kind,
                    ["name"] = owner.Name,
                    ["uid"] = owner.Uid,
                    ["controller"] = true,
                    ["blockOwnerDeletion"] = false,
                }),
            },
        };
        try
        {
            await _client.CoreV1.PatchNamespacedPodAsync(
                new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), pod.Metadata.Name, pod.Metadata.NamespaceProperty, fieldManager: "serverless", cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (KubeErrors.Is(e, HttpStatusCode.Conflict) || KubeErrors.Is(e, HttpStatusCode.NotFound))
        {
            return false;
        }
    }

    private async Task<PoolSpecialization> SpecializePodAsync(V1Pod pod, Core.Api.Function function, string? revision, byte[] artifact, PoolSigningKey key, CancellationToken cancellationToken)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var name = pod.Metadata.Name;
        var spec = WorkloadSpecBuilder.Build(function);
        HttpStatusCode status;
        string text;
        try
        {
            // Signed over this pod's uid and these bytes: the pod checks both (PoolSigningKey).
            var body = Encoding.UTF8.GetBytes(Body(spec, revision, FunctionPathFor(pod), artifact).ToJsonString());
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(AdminAddress(pod), "specialize")) { Content = content };
            request.Headers.Authorization = new AuthenticationHeaderValue(PoolSigningKey.Scheme, key.Authorization(pod.Metadata.Uid, body));
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            status = response.StatusCode;
            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return await FailAsync(pod, function, PoolOutcome.PodFailed, $"pool pod {name} did not answer the specialization: {e.Message}").ConfigureAwait(false);
        }

        if (status == HttpStatusCode.UnprocessableEntity)
        {
            return await FailAsync(pod, function, PoolOutcome.FunctionFailed, $"the function cannot be loaded: {Truncate(text)}").ConfigureAwait(false);
        }

        if (status != HttpStatusCode.OK)
        {
            return await FailAsync(pod, function, PoolOutcome.PodFailed, $"pool pod {name} answered the specialization {(int)status}: {Truncate(text)}").ConfigureAwait(false);
        }

        // Into the workload's Service: its EndpointSlices list the pod from now on. A revision's pods carry its selector
        // (not managed-by, as the pods of its Deployment: an older layout's Function Service would count them).
        var labels = new JsonObject { [WorkloadLabels.Revision] = spec.Revision };
        foreach (var (label, value) in revision is null ? WorkloadLabels.For(function.Metadata.Name) : WorkloadLabels.RevisionSelector(function.Metadata.Name, revision))
        {
            labels[label] = value;
        }

        try
        {
            await _client.CoreV1.PatchNamespacedPodAsync(
                new V1Patch(new JsonObject { ["metadata"] = new JsonObject { ["labels"] = labels } }.ToJsonString(), V1Patch.PatchType.MergePatch),
                name, ns, fieldManager: "serverless", cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (KubeErrors.StatusCode(e) is not null)
        {
            return await FailAsync(pod, function, PoolOutcome.PodFailed, $"pool pod {name} could not be labelled into the function: {e.Message}").ConfigureAwait(false);
        }

        LogSpecialized(_logger, ns, function.Metadata.Name, name);
        return new PoolSpecialization(PoolOutcome.Specialized, name, $"specialized pool pod {name}");
    }

    private static JsonObject Body(Core.Contracts.WorkloadSpec spec, string? revision, string functionPath, byte[] artifact)
    {
        var env = new JsonObject();
        foreach (var (key, value) in spec.Environment)
        {
            env[key] = value;
        }

        env["CONTAINER_CONCURRENCY"] = spec.ContainerConcurrency.ToString(CultureInfo.InvariantCulture);
        env["FUNCTION_TIMEOUT"] = spec.TimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        env["K_SERVICE"] = spec.Key.Name;
        env["K_CONFIGURATION"] = spec.Key.Name;
        env["K_REVISION"] = revision ?? spec.Revision;
        env["FUNCTION_NAMESPACE"] = spec.Key.Namespace;
        return new JsonObject
        {
            ["functionPath"] = functionPath,
            ["handler"] = spec.Handler,
            ["env"] = env,
            ["artifact"] = Convert.ToBase64String(artifact),
        };
    }

    private async Task<byte[]> ReadArtifactAsync(string ns, string configMap, CancellationToken cancellationToken)
    {
        var map = await _client.CoreV1.ReadNamespacedConfigMapAsync(configMap, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        return map.BinaryData is { } data && data.TryGetValue(DeploymentBuilder.ArtifactKey, out var bytes)
            ? bytes
            : throw new InvalidOperationException($"ConfigMap {ns}/{configMap} has no binaryData key {DeploymentBuilder.ArtifactKey}");
    }

    /// <summary>A failed pod is deleted (never returned to the pool); its replacement is already starting.</summary>
    private async Task<PoolSpecialization> FailAsync(V1Pod pod, Core.Api.Function function, PoolOutcome outcome, string detail)
    {
        LogFailed(_logger, pod.Metadata.NamespaceProperty, function.Metadata.Name, pod.Metadata.Name, detail);
        try
        {
            await _client.CoreV1.DeleteNamespacedPodAsync(
                pod.Metadata.Name, pod.Metadata.NamespaceProperty, new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = pod.Metadata.Uid } }).ConfigureAwait(false);
        }
        catch (Exception e) when (KubeErrors.Is(e, HttpStatusCode.NotFound) || KubeErrors.Is(e, HttpStatusCode.Conflict))
        {
            // Gone already.
        }

        return new PoolSpecialization(outcome, pod.Metadata.Name, detail);
    }

    private static string FormatHost(string address) => address.Contains(':', StringComparison.Ordinal) ? "[" + address + "]" : address;

    private static string Truncate(string text) => text.Length > 500 ? text[..500] + "…" : text.Trim();

    [LoggerMessage(EventId = KubernetesEventIds.PoolSpecialized, Level = LogLevel.Information, Message = "{Namespace}/{Function}: specialized pool pod {Pod}")]
    private static partial void LogSpecialized(ILogger logger, string @namespace, string function, string pod);

    [LoggerMessage(EventId = KubernetesEventIds.PoolSpecializationFailed, Level = LogLevel.Warning, Message = "{Namespace}/{Function}: specializing pool pod {Pod} failed, pod deleted: {Detail}")]
    private static partial void LogFailed(ILogger logger, string @namespace, string function, string pod, string detail);

    [LoggerMessage(EventId = KubernetesEventIds.PoolClaimLost, Level = LogLevel.Debug, Message = "pool pod {Namespace}/{Pod} was claimed by another activator first")]
    private static partial void LogClaimLost(ILogger logger, string @namespace, string pod);
}
