using System.Net;
using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using Serverless.Cli.App;
using Serverless.Cli.Build;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Hosting.Kubernetes;
using Serverless.Hosting.Stores;

namespace Serverless.Cli.Targets.Kubernetes;

/// <summary>
/// A Kubernetes cluster through the kubeconfig: Functions and Triggers as serverless.dev custom resources,
/// function code as immutable content-addressed ConfigMaps (or <c>spec.image</c>), logs from the pods.
/// </summary>
internal sealed class KubernetesTarget : IFunctionTarget
{
    private const int DefaultTailLines = 100;

    /// <summary>Where the activator's broker ingress answers inside the cluster (Service <c>activator</c>, port 80).</summary>
    private const string InClusterIngress = "http://activator.serverless-system.svc.cluster.local";

    private readonly k8s.Kubernetes _client;
    private readonly KubeCalls _calls;
    private readonly IResourceStore<Function> _functions;
    private readonly ResourceApply<Function> _functionWrites;
    private readonly ResourceApply<Trigger> _triggerWrites;

    private KubernetesTarget(KubernetesClientConfiguration config, string contextName)
    {
        _client = new k8s.Kubernetes(config);
        Description = $"Kubernetes context {contextName}";
        DefaultNamespace = string.IsNullOrEmpty(config.Namespace) ? "default" : config.Namespace;
        _calls = new KubeCalls($"cluster {config.Host} (context {contextName})");
        var stores = new KubernetesStores(_client);
        _functions = stores.Functions;
        _functionWrites = Writes(stores.Functions);
        _triggerWrites = Writes(stores.Triggers);
    }

    public string Description { get; }

    public string DefaultNamespace { get; }

    /// <exception cref="CliException">No usable kubeconfig or context.</exception>
    public static IFunctionTarget Open(TargetSelection selection, Func<string, string?> environment)
    {
        var config = KubeconfigLoader.Load(selection, environment);
        return new KubernetesTarget(config, config.CurrentContext ?? selection.Context ?? "(current)");
    }

    public async Task<AppliedFunction> ApplyAsync(Function desired, PreparedArtifact artifact, CancellationToken cancellationToken)
    {
        var ns = desired.Metadata.NamespaceProperty;
        var name = desired.Metadata.Name;
        string location;
        var uploaded = false;
        string? uploadedVersion = null;
        if (!string.IsNullOrEmpty(desired.Spec.Image))
        {
            // A prebuilt image carries the code: nothing to upload.
            desired.Spec.Source = null;
            location = "image/" + desired.Spec.Image;
        }
        else
        {
            var package = await ArtifactPackage.CreateAsync(artifact.Entries, cancellationToken).ConfigureAwait(false);
            var configMap = ArtifactConfigMap.Build(ns, name, artifact.Digest, package.Bytes);
            uploadedVersion = await UploadAsync(configMap, cancellationToken).ConfigureAwait(false);
            uploaded = uploadedVersion is not null;
            desired.Spec.Source = new FunctionSource { ConfigMap = configMap.Metadata.Name };
            location = "configmap/" + configMap.Metadata.Name;
        }

        desired.Status = null;
        var stored = (await _calls.Run(
            () => _functionWrites.ApplyAsync(desired, SpecApply.Function, cancellationToken),
            $"applying {Function.Plural} {ns}/{name}",
            cancellationToken).ConfigureAwait(false)).Object;
        if (desired.Spec.Source?.ConfigMap is { } artifactName && uploadedVersion is not null)
        {
            await OwnArtifactAsync(ns, artifactName, uploadedVersion, stored, cancellationToken).ConfigureAwait(false);
        }

        return new AppliedFunction(stored, location, uploaded);
    }

    public Task<Function?> GetAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        _calls.Run(() => _functions.GetAsync(@namespace, name, cancellationToken), $"reading {Function.Plural} {@namespace}/{name}", cancellationToken);

    public async Task<IReadOnlyList<Function>> ListAsync(string? @namespace, CancellationToken cancellationToken) =>
        (await _calls.Run(() => _functions.ListAsync(@namespace, cancellationToken), $"listing {Function.Plural}", cancellationToken).ConfigureAwait(false)).Items;

    public async Task<Function> SetTrafficAsync(string @namespace, string name, IList<TrafficTarget>? traffic, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var function = await GetAsync(@namespace, name, cancellationToken).ConfigureAwait(false) ?? throw new FunctionNotFoundException(@namespace, name);
            function.Spec.Traffic = traffic;
            try
            {
                return await _calls.Run(() => _functions.ReplaceAsync(function, cancellationToken), $"updating {Function.Plural} {@namespace}/{name}", cancellationToken).ConfigureAwait(false);
            }
            catch (StoreException e) when (e.Kind == StoreErrorKind.Conflict && attempt < 5)
            {
            }
        }
    }

    public async Task<Function> SetAnnotationAsync(string @namespace, string name, string key, string? value, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var function = await GetAsync(@namespace, name, cancellationToken).ConfigureAwait(false) ?? throw new FunctionNotFoundException(@namespace, name);
            Local.LocalTarget.SetAnnotation(function, key, value);
            try
            {
                return await _calls.Run(() => _functions.ReplaceAsync(function, cancellationToken), $"updating {Function.Plural} {@namespace}/{name}", cancellationToken).ConfigureAwait(false);
            }
            catch (StoreException e) when (e.Kind == StoreErrorKind.Conflict && attempt < 5)
            {
            }
        }
    }

    public async Task<IReadOnlyList<Revision>> ListRevisionsAsync(string @namespace, string function, CancellationToken cancellationToken)
    {
        // TODO(#17): the cluster's controller cuts no Revisions yet (item 6); this lists what the CRD holds.
        var store = new KubernetesStores(_client).Revisions;
        var list = await _calls.Run(() => store.ListAsync(@namespace, cancellationToken), $"listing {Revision.Plural}", cancellationToken).ConfigureAwait(false);
        return list.Items.Where(r => r.Metadata.Labels?.TryGetValue(Core.Naming.RevisionNames.FunctionLabel, out var owner) == true && owner == function).ToArray();
    }

    public Task<bool> DeleteAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        _calls.Run(() => _functions.DeleteAsync(@namespace, name, cancellationToken), $"deleting {Function.Plural} {@namespace}/{name}", cancellationToken);

    public async Task<Trigger> ApplyTriggerAsync(Trigger trigger, CancellationToken cancellationToken)
    {
        trigger.Status = null;
        var (ns, name) = (trigger.Metadata.NamespaceProperty, trigger.Metadata.Name);
        var applied = await _calls.Run(
            () => _triggerWrites.ApplyAsync(trigger, SpecApply.Trigger, cancellationToken),
            $"applying {Trigger.Plural} {ns}/{name}",
            cancellationToken).ConfigureAwait(false);
        return applied.Object;
    }

    public async IAsyncEnumerable<LogLine> LogsAsync(string @namespace, string name, LogRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (await GetAsync(@namespace, name, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new FunctionNotFoundException(@namespace, name);
        }

        await foreach (var line in new PodLogs(_client, _calls).ReadAsync(@namespace, name, request, DefaultTailLines, cancellationToken).ConfigureAwait(false))
        {
            yield return line;
        }
    }

    /// <summary>What the Function's status reports; per-request figures live in the activator and are not read here.</summary>
    public async Task<IReadOnlyList<FunctionStats>> GetStatsAsync(CancellationToken cancellationToken)
    {
        var functions = await ListAsync(null, cancellationToken).ConfigureAwait(false);
        return functions
            .Select(f => new FunctionStats
            {
                Namespace = f.Metadata.NamespaceProperty,
                Name = f.Metadata.Name,
                DesiredInstances = f.Status?.Replicas ?? 0,
                ReadyInstances = f.Status?.ReadyReplicas ?? 0,
            })
            .ToList();
    }

    public async Task<Uri> GetFunctionUrlAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var function = await GetAsync(@namespace, name, cancellationToken).ConfigureAwait(false)
            ?? throw new FunctionNotFoundException(@namespace, name);
        if (string.IsNullOrEmpty(function.Status?.Url) || !Uri.TryCreate(function.Status.Url, UriKind.Absolute, out var url))
        {
            throw new CliException($"function {@namespace}/{name} has no URL yet", $"wait until it is ready: `func describe {name} -n {@namespace} --kube`");
        }

        return url.AbsolutePath.EndsWith('/') ? url : new Uri(url + "/");
    }

    // TODO(#7): reachable only from inside the cluster; an ingress for the activator would give an outside address.
    public Task<Uri> GetBrokerUrlAsync(string @namespace, string broker, CancellationToken cancellationToken) =>
        Task.FromResult(new Uri($"{InClusterIngress}/brokers/{@namespace}/{broker}"));

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    // The shared store does the reads and writes; func's apply replaces the spec only (see SpecApply).
    private static ResourceApply<T> Writes<T>(IResourceStore<T> store) where T : class, IResource => new()
    {
        Get = store.GetAsync,
        Create = store.CreateAsync,
        Replace = store.ReplaceAsync,
        MaxAttempts = SpecApply.MaxAttempts,
    };

    /// <returns>The created ConfigMap's resourceVersion; null when a ConfigMap of that name (hence that content) was already there.</returns>
    private async Task<string?> UploadAsync(V1ConfigMap configMap, CancellationToken cancellationToken)
    {
        try
        {
            var created = await _calls.Run(
                () => _client.CoreV1.CreateNamespacedConfigMapAsync(configMap, configMap.Metadata.NamespaceProperty, cancellationToken: cancellationToken),
                $"uploading the artifact as configmap {configMap.Metadata.NamespaceProperty}/{configMap.Metadata.Name}",
                cancellationToken).ConfigureAwait(false);
            return created.Metadata.ResourceVersion;
        }
        catch (Exception e) when (KubeErrors.Is(e, HttpStatusCode.Conflict))
        {
            return null;
        }
    }

    // A new artifact goes with its Function until a Revision runs it: the controller then makes the Revisions that run
    // it its owners instead, and the garbage collector deletes it with the last of them. The patch holds only while the
    // ConfigMap is as this deploy created it (a JSON patch testing its resourceVersion): once the controller has set
    // the Revisions as owners, it fails and changes nothing. An artifact that existed already is left as it is.
    private async Task OwnArtifactAsync(string @namespace, string configMap, string createdVersion, Function owner, CancellationToken cancellationToken)
    {
        var reference = new V1OwnerReference
        {
            ApiVersion = ApiGroup.ApiVersion,
            Kind = Function.KindName,
            Name = owner.Metadata.Name,
            Uid = owner.Metadata.Uid,
        };
        var operations = new object[]
        {
            new { op = "test", path = "/metadata/resourceVersion", value = createdVersion },
            new { op = "add", path = "/metadata/ownerReferences", value = new[] { reference } },
        };
        var patch = new V1Patch(KubernetesJson.Serialize(operations), V1Patch.PatchType.JsonPatch);
        await _calls.Run(
            async () =>
            {
                try
                {
                    return await _client.CoreV1.PatchNamespacedConfigMapAsync(patch, configMap, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (KubeErrors.Is(e, HttpStatusCode.UnprocessableEntity) || KubeErrors.Is(e, HttpStatusCode.Conflict))
                {
                    return null; // the test failed: the controller was first, and the Revision that runs the artifact owns it
                }
            },
            $"linking configmap {@namespace}/{configMap} to its function",
            cancellationToken).ConfigureAwait(false);
    }
}
