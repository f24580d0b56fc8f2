using System.Net;
using System.Text.Json;
using k8s;
using Serverless.Core.Api;
using Serverless.Core.Serialization;

namespace Serverless.Cli.Targets.Kubernetes;

/// <summary>Get/list/create/replace/delete of one serverless.dev kind through KubernetesClient's custom-objects API.</summary>
internal sealed class CrdClient<T>(IKubernetes client, KubeCalls calls, string plural) where T : class, IResource
{
    private const int MaxReplaceAttempts = 5;

    public async Task<T?> GetAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            var found = await calls.Run(
                () => client.CustomObjects.GetNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, @namespace, plural, name, cancellationToken),
                $"reading {plural} {@namespace}/{name}",
                cancellationToken).ConfigureAwait(false);
            return Convert(found);
        }
        catch (Exception e) when (KubeCalls.StatusOf(e) == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<T>> ListAsync(string? @namespace, CancellationToken cancellationToken)
    {
        var list = await calls.Run(
            () => @namespace is null
                ? client.CustomObjects.ListClusterCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, plural, cancellationToken: cancellationToken)
                : client.CustomObjects.ListNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, @namespace, plural, cancellationToken: cancellationToken),
            $"listing {plural}",
            cancellationToken).ConfigureAwait(false);
        var element = AsElement(list);
        return element.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array
            ? items.EnumerateArray().Select(i => ResourceJson.Deserialize<T>(i.GetRawText())).ToList()
            : [];
    }

    /// <summary>
    /// Creates <paramref name="desired"/>, or gives the existing object its spec, keeping the stored metadata
    /// and retrying when another writer changes it between read and write.
    /// </summary>
    public async Task<T> ApplyAsync(T desired, Action<T, T> copySpec, CancellationToken cancellationToken)
    {
        var ns = desired.Metadata.NamespaceProperty;
        var name = desired.Metadata.Name;
        try
        {
            var created = await calls.Run(
                () => client.CustomObjects.CreateNamespacedCustomObjectAsync(desired, ApiGroup.Group, ApiGroup.Version, ns, plural, cancellationToken: cancellationToken),
                $"creating {plural} {ns}/{name}",
                cancellationToken).ConfigureAwait(false);
            return Convert(created);
        }
        catch (Exception e) when (KubeCalls.StatusOf(e) == HttpStatusCode.Conflict)
        {
            // It exists: replace its spec below.
        }

        for (var attempt = 1; ; attempt++)
        {
            var current = await GetAsync(ns, name, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"{plural} {ns}/{name} vanished while being updated");
            copySpec(desired, current);
            try
            {
                var replaced = await calls.Run(
                    () => client.CustomObjects.ReplaceNamespacedCustomObjectAsync(current, ApiGroup.Group, ApiGroup.Version, ns, plural, name, cancellationToken: cancellationToken),
                    $"updating {plural} {ns}/{name}",
                    cancellationToken).ConfigureAwait(false);
                return Convert(replaced);
            }
            catch (Exception e) when (KubeCalls.StatusOf(e) == HttpStatusCode.Conflict && attempt < MaxReplaceAttempts)
            {
                // Another writer changed it between our GET and PUT: read the new version and apply again.
            }
        }
    }

    public async Task<bool> DeleteAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            await calls.Run(
                () => client.CustomObjects.DeleteNamespacedCustomObjectAsync(
                    ApiGroup.Group, ApiGroup.Version, @namespace, plural, name, propagationPolicy: "Background", cancellationToken: cancellationToken),
                $"deleting {plural} {@namespace}/{name}",
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (KubeCalls.StatusOf(e) == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private static T Convert(object obj) => ResourceJson.Deserialize<T>(AsElement(obj).GetRawText());

    private static JsonElement AsElement(object obj) => obj is JsonElement element ? element : JsonSerializer.SerializeToElement(obj);
}
