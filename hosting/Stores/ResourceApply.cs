using k8s;
using k8s.Models;
using Serverless.Core.Contracts;

namespace Serverless.Hosting.Stores;

/// <summary>
/// Create-or-replace with optimistic concurrency, the loop every writer of a whole object needs, over calls
/// shaped like <see cref="IResourceStore{T}"/>'s (a store, a Kubernetes client, the admin API's client).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="ApplyAsync(T, T?, Func{T, T, T?}, CancellationToken)"/>: create the desired object; when the name is
/// taken (AlreadyExists), read the live object and replace it with <c>merge(live, desired)</c>, which keeps the
/// live <c>resourceVersion</c> so that a concurrent write makes the replace fail with Conflict rather than be
/// overwritten. On Conflict, read again and merge again; on NotFound (deleted between read and write), create
/// again. <see cref="UpdateAsync"/> is the same read-merge-replace loop for an object that must exist.
/// </para>
/// <para>
/// Every write counts as an attempt; after <see cref="MaxAttempts"/> the last failure is thrown as it came. Other
/// failures are never retried: they say something a re-read cannot fix. Stateless and thread-safe.
/// </para>
/// </remarks>
public sealed class ResourceApply<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Writes before an apply racing other writers gives up: 5.</summary>
    public const int DefaultMaxAttempts = 5;

    /// <summary>The stored object, or null when there is none.</summary>
    public required Func<string, string, CancellationToken, Task<T?>> Get { get; init; }

    /// <summary>Fails with a kind of AlreadyExists (see <see cref="KindOf"/>) when the name is taken.</summary>
    public required Func<T, CancellationToken, Task<T>> Create { get; init; }

    /// <summary>Fails with Conflict when the object's <c>resourceVersion</c> is stale, NotFound when it is gone.</summary>
    public required Func<T, CancellationToken, Task<T>> Replace { get; init; }

    /// <summary>
    /// The store error kind a failed call means, or null for a failure that no retry helps. By default a
    /// <see cref="StoreException"/>'s kind; a client with its own exceptions maps them here.
    /// </summary>
    public Func<Exception, StoreErrorKind?> KindOf { get; init; } = static e => (e as StoreException)?.Kind;

    /// <summary>Writes (creates and replaces together) before the last failure is thrown; default <see cref="DefaultMaxAttempts"/>.</summary>
    public int MaxAttempts { get; init; } = DefaultMaxAttempts;

    /// <summary>Told, before each re-read, which kind made the write fail and which attempt (from 1) it was; for logs.</summary>
    public Action<StoreErrorKind, int>? Retrying { get; init; }

    /// <summary>Creates <paramref name="desired"/>, or merges it into the live object (see the remarks).</summary>
    /// <param name="merge">
    /// <c>(live, desired)</c> to the object to write over <c>live</c>, keeping its metadata.resourceVersion; or
    /// null when <c>live</c> already is as desired. It may modify and return <c>live</c>, which is read afresh for each attempt.
    /// </param>
    public Task<ApplyResult<T>> ApplyAsync(T desired, Func<T, T, T?> merge, CancellationToken cancellationToken) =>
        ApplyAsync(desired, live: null, merge, cancellationToken);

    /// <param name="desired">Created as is while the name is free.</param>
    /// <param name="live">What the caller believes is stored (an informer's copy), tried first; null to try a create first.</param>
    /// <param name="merge">As for <see cref="ApplyAsync(T, Func{T, T, T?}, CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Cancels the current call.</param>
    public async Task<ApplyResult<T>> ApplyAsync(T desired, T? live, Func<T, T, T?> merge, CancellationToken cancellationToken)
    {
        var (ns, name) = (desired.Metadata.NamespaceProperty, desired.Metadata.Name);
        var current = live;
        for (var attempt = 1; ; attempt++)
        {
            StoreErrorKind failure;
            if (current is null)
            {
                try
                {
                    return new ApplyResult<T>(ApplyOutcome.Created, await Create(desired, cancellationToken).ConfigureAwait(false));
                }
                catch (Exception e) when (KindOf(e) is StoreErrorKind.AlreadyExists && attempt < MaxAttempts)
                {
                    failure = StoreErrorKind.AlreadyExists;
                }
            }
            else
            {
                if (merge(current, desired) is not { } update)
                {
                    return new ApplyResult<T>(ApplyOutcome.Unchanged, current);
                }

                try
                {
                    return new ApplyResult<T>(ApplyOutcome.Replaced, await Replace(update, cancellationToken).ConfigureAwait(false));
                }
                catch (Exception e) when (KindOf(e) is { } kind and (StoreErrorKind.Conflict or StoreErrorKind.NotFound) && attempt < MaxAttempts)
                {
                    failure = kind;
                }
            }

            // Someone else created, changed or deleted it since we last looked: decide again on a fresh read.
            Retrying?.Invoke(failure, attempt);
            current = await Get(ns, name, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Replaces an existing object with <c>change(live)</c>, reading it afresh and changing it again after each
    /// Conflict. Fails with NotFound when there is no such object.
    /// </summary>
    /// <param name="change">The object to write, from the live one; it must keep the live metadata.resourceVersion.</param>
    public async Task<T> UpdateAsync(string @namespace, string name, Func<T, T> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var live = await Get(@namespace, name, cancellationToken).ConfigureAwait(false)
                ?? throw new StoreException(StoreErrorKind.NotFound, $"{typeof(T).Name} {@namespace}/{name} not found");
            try
            {
                return await Replace(change(live), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (KindOf(e) is StoreErrorKind.Conflict && attempt < MaxAttempts)
            {
                Retrying?.Invoke(StoreErrorKind.Conflict, attempt);
            }
        }
    }
}
