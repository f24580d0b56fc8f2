using System.Text.Json;
using k8s;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Serialization;
using Serverless.Hosting.Stores;
using KubeEventType = k8s.WatchEventType;

namespace Serverless.Hosting.Kubernetes;

/// <summary>
/// <see cref="IResourceStore{T}"/> over a CRD through KubernetesClient's custom-objects API, so the
/// informer, the controller and the activator run unchanged in Kubernetes mode. Error kinds come from
/// HTTP status codes only (404 NotFound, 409 AlreadyExists on create else Conflict, 410 Expired, 422 Invalid).
/// </summary>
/// <remarks>
/// The API server assigns uid, creationTimestamp, resourceVersion and generation and enforces the
/// status subresource split, exactly the store contract. One gap is bridged here: custom resources refuse
/// a PUT without <c>metadata.resourceVersion</c>, so an unconditional replace reads the current version
/// and retries on conflict (<see cref="ResourceApply{T}.UpdateAsync"/>; last writer wins, as the contract
/// promises). Thread-safe: stateless over the client.
/// </remarks>
public sealed class KubernetesResourceStore<T> : IResourceStore<T> where T : class, IResource
{
    /// <summary>Attempts of an unconditional replace racing other writers before it gives up with Conflict.</summary>
    internal const int UnconditionalAttempts = 5;

    private readonly IKubernetes _client;
    private readonly CustomResource _resource;
    private readonly KubeListWatch<T> _listWatch;
    private readonly ResourceApply<T> _specWrites;
    private readonly ResourceApply<T> _statusWrites;

    public KubernetesResourceStore(IKubernetes client, CustomResource resource)
    {
        _client = client;
        _resource = resource;
        _listWatch = new KubeListWatch<T>(ListRawAsync, WatchRaw);
        _specWrites = Writes(status: false);
        _statusWrites = Writes(status: true);
    }

    public async Task<T?> GetAsync(string @namespace, string name, CancellationToken cancellationToken = default)
    {
        try
        {
            return await GetRequiredAsync(@namespace, name, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException e) when (e.Kind == StoreErrorKind.NotFound)
        {
            return null;
        }
    }

    public Task<ResourceList<T>> ListAsync(string? @namespace = null, CancellationToken cancellationToken = default) =>
        _listWatch.ListAsync(@namespace, cancellationToken);

    public IAsyncEnumerable<ResourceEvent<T>> WatchAsync(string? @namespace, string resourceVersion, CancellationToken cancellationToken = default) =>
        _listWatch.WatchAsync(@namespace, resourceVersion, cancellationToken);

    public async Task<T> CreateAsync(T resource, CancellationToken cancellationToken = default)
    {
        var (ns, name) = KeyOf(resource);
        var body = Prepare(resource);
        body.Metadata.ResourceVersion = null;
        var created = await KubeErrors.Map(
            () => _client.CustomObjects.CreateNamespacedCustomObjectAsync(body, _resource.Group, _resource.Version, ns, _resource.Plural, cancellationToken: cancellationToken),
            $"creating {Describe(ns, name)}",
            creating: true).ConfigureAwait(false);
        return Convert(created);
    }

    public Task<T> ReplaceAsync(T resource, CancellationToken cancellationToken = default) =>
        WriteAsync(resource, status: false, cancellationToken);

    public Task<T> ReplaceStatusAsync(T resource, CancellationToken cancellationToken = default) =>
        WriteAsync(resource, status: true, cancellationToken);

    public async Task<bool> DeleteAsync(string @namespace, string name, CancellationToken cancellationToken = default)
    {
        try
        {
            await KubeErrors.Map(
                () => _client.CustomObjects.DeleteNamespacedCustomObjectAsync(
                    _resource.Group, _resource.Version, @namespace, _resource.Plural, name,
                    propagationPolicy: "Background", cancellationToken: cancellationToken),
                $"deleting {Describe(@namespace, name)}").ConfigureAwait(false);
            return true;
        }
        catch (StoreException e) when (e.Kind == StoreErrorKind.NotFound)
        {
            return false;
        }
    }

    private async Task<T> WriteAsync(T resource, bool status, CancellationToken cancellationToken)
    {
        var (ns, name) = KeyOf(resource);
        var body = Prepare(resource);
        var writes = status ? _statusWrites : _specWrites;
        if (!string.IsNullOrEmpty(body.Metadata.ResourceVersion))
        {
            return await writes.Replace(body, cancellationToken).ConfigureAwait(false);
        }

        // Unconditional: the live version is taken for ours, and a writer slipping in between makes us read again.
        return await writes.UpdateAsync(
            ns,
            name,
            live =>
            {
                body.Metadata.ResourceVersion = live.Metadata.ResourceVersion;
                return body;
            },
            cancellationToken).ConfigureAwait(false);
    }

    private ResourceApply<T> Writes(bool status) => new()
    {
        Get = async (ns, name, cancellationToken) => await GetRequiredAsync(ns, name, cancellationToken).ConfigureAwait(false),
        Create = CreateAsync,
        Replace = (body, cancellationToken) => ReplaceRawAsync(body, status, cancellationToken),
        MaxAttempts = UnconditionalAttempts,
    };

    private async Task<T> ReplaceRawAsync(T body, bool status, CancellationToken cancellationToken)
    {
        var (ns, name) = (body.Metadata.NamespaceProperty, body.Metadata.Name);
        var written = await KubeErrors.Map(
            () => status
                ? _client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(body, _resource.Group, _resource.Version, ns, _resource.Plural, name, cancellationToken: cancellationToken)
                : _client.CustomObjects.ReplaceNamespacedCustomObjectAsync(body, _resource.Group, _resource.Version, ns, _resource.Plural, name, cancellationToken: cancellationToken),
            $"replacing {(status ? "the status of " : "")}{Describe(ns, name)}").ConfigureAwait(false);
        return Convert(written);
    }

    private async Task<T> GetRequiredAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var found = await KubeErrors.Map(
            () => _client.CustomObjects.GetNamespacedCustomObjectAsync(_resource.Group, _resource.Version, @namespace, _resource.Plural, name, cancellationToken),
            $"reading {Describe(@namespace, name)}").ConfigureAwait(false);
        return Convert(found);
    }

    private async Task<(IList<T> Items, string? ResourceVersion)> ListRawAsync(string? @namespace, CancellationToken cancellationToken)
    {
        var list = @namespace is null
            ? await _client.CustomObjects.ListClusterCustomObjectAsync(_resource.Group, _resource.Version, _resource.Plural, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await _client.CustomObjects.ListNamespacedCustomObjectAsync(_resource.Group, _resource.Version, @namespace, _resource.Plural, cancellationToken: cancellationToken).ConfigureAwait(false);
        var element = AsElement(list);
        var items = element.TryGetProperty("items", out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Select(i => ResourceJson.Deserialize<T>(i.GetRawText())).ToList()
            : [];
        var version = element.TryGetProperty("metadata", out var meta) && meta.TryGetProperty("resourceVersion", out var rv) ? rv.GetString() : null;
        return (items, version);
    }

    private async IAsyncEnumerable<(KubeEventType, T)> WatchRaw(string? @namespace, string resourceVersion, Action<Exception> onError, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = @namespace is null
            ? _client.CustomObjects.WatchListCustomObjectForAllNamespacesAsync(
                _resource.Group, _resource.Version, _resource.Plural,
                allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: KubeListWatch<T>.WatchTimeoutSeconds,
                onError: onError, cancellationToken: cancellationToken)
            : _client.CustomObjects.WatchListNamespacedCustomObjectAsync(
                _resource.Group, _resource.Version, @namespace, _resource.Plural,
                allowWatchBookmarks: true, resourceVersion: resourceVersion, timeoutSeconds: KubeListWatch<T>.WatchTimeoutSeconds,
                onError: onError, cancellationToken: cancellationToken);
        await foreach (var (type, obj) in stream.ConfigureAwait(false))
        {
            yield return (type, Convert(obj));
        }
    }

    // The API server takes the kind's own apiVersion/kind; the caller's object is never modified.
    private T Prepare(T resource)
    {
        var body = ResourceJson.Clone(resource);
        body.ApiVersion = $"{_resource.Group}/{_resource.Version}";
        body.Kind = _resource.Kind;
        return body;
    }

    private (string Namespace, string Name) KeyOf(T resource)
    {
        var ns = resource.Metadata?.NamespaceProperty;
        var name = resource.Metadata?.Name;
        if (string.IsNullOrEmpty(ns) || string.IsNullOrEmpty(name))
        {
            throw new StoreException(
                StoreErrorKind.Invalid,
                $"{_resource.Kind}: metadata.namespace and metadata.name are required (got namespace '{ns}', name '{name}')");
        }

        return (ns, name);
    }

    private static T Convert(object obj) => ResourceJson.Deserialize<T>(AsElement(obj).GetRawText());

    private static JsonElement AsElement(object obj) =>
        obj is JsonElement element ? element : JsonSerializer.SerializeToElement(obj);

    private string Describe(string @namespace, string name) => $"{_resource.Kind} {@namespace}/{name}";
}
