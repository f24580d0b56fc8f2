using System.Net;
using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using Serverless.Core.Contracts;
using KubeEventType = k8s.WatchEventType;

namespace Serverless.Hosting.Kubernetes;

/// <summary>
/// List + watch of one Kubernetes kind over KubernetesClient, shaped as <see cref="IListWatchSource{T}"/> so
/// the shared <see cref="Informers.ResourceInformer{T}"/> caches built-in kinds too. A watch the server
/// closes (its timeout) is resumed from the last version seen, bookmarks included; a 410 Gone (as the first
/// response or as an ERROR event) ends the enumeration with <see cref="StoreErrorKind.Expired"/> so the informer re-lists.
/// </summary>
public sealed class KubeListWatch<T> : IListWatchSource<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Server-side watch timeout; the watch is then resumed, which also detects dead connections.</summary>
    public const int WatchTimeoutSeconds = 300;

    private readonly Func<string?, CancellationToken, Task<(IList<T> Items, string? ResourceVersion)>> _list;
    private readonly Func<string?, string, Action<Exception>, CancellationToken, IAsyncEnumerable<(KubeEventType, T)>> _watch;

    public KubeListWatch(
        Func<string?, CancellationToken, Task<(IList<T> Items, string? ResourceVersion)>> list,
        Func<string?, string, Action<Exception>, CancellationToken, IAsyncEnumerable<(KubeEventType, T)>> watch)
    {
        _list = list;
        _watch = watch;
    }

    public async Task<ResourceList<T>> ListAsync(string? @namespace = null, CancellationToken cancellationToken = default)
    {
        var (items, version) = await KubeErrors.Map(() => _list(@namespace, cancellationToken), $"listing {typeof(T).Name}").ConfigureAwait(false);
        var ordered = items
            .OrderBy(i => i.Metadata.NamespaceProperty, StringComparer.Ordinal)
            .ThenBy(i => i.Metadata.Name, StringComparer.Ordinal)
            .ToList();
        return new ResourceList<T>(ordered, version ?? "");
    }

    public async IAsyncEnumerable<ResourceEvent<T>> WatchAsync(
        string? @namespace,
        string resourceVersion,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var version = resourceVersion;
        while (true)
        {
            Exception? failure = null;
            var stream = _watch(@namespace, version, e => failure ??= e, cancellationToken);
            await using var events = stream.GetAsyncEnumerator(cancellationToken);
            var received = 0;
            while (true)
            {
                bool more;
                try
                {
                    more = await events.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (KubeErrors.Is(e, HttpStatusCode.Gone))
                {
                    throw new StoreException(StoreErrorKind.Expired, $"watch of {typeof(T).Name} from version {version} expired", e);
                }

                ThrowIfFailed(failure, version);
                if (!more)
                {
                    break;
                }

                received++;
                var (type, item) = events.Current;
                version = item.Metadata?.ResourceVersion is { Length: > 0 } seen ? seen : version;
                var mapped = type switch
                {
                    KubeEventType.Added => Core.Contracts.WatchEventType.Added,
                    KubeEventType.Modified => Core.Contracts.WatchEventType.Modified,
                    KubeEventType.Deleted => Core.Contracts.WatchEventType.Deleted,
                    _ => (Core.Contracts.WatchEventType?)null, // bookmarks only move the version
                };
                if (mapped is { } eventType)
                {
                    yield return new ResourceEvent<T>(eventType, item);
                }
            }

            if (received == 0)
            {
                // Closed without a single event or bookmark: end here and let the informer re-list,
                // rather than spin on watches a server ends at once.
                yield break;
            }
        }
    }

    private static void ThrowIfFailed(Exception? failure, string version)
    {
        if (failure is null)
        {
            return;
        }

        if (KubeErrors.Is(failure, HttpStatusCode.Gone))
        {
            throw new StoreException(StoreErrorKind.Expired, $"watch of {typeof(T).Name} from version {version} expired", failure);
        }

        throw new InvalidOperationException($"watch of {typeof(T).Name} failed: {failure.Message}", failure);
    }
}
