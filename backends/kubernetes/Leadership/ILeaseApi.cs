using k8s.Models;

namespace Serverless.Backends.Kubernetes.Leadership;

/// <summary>
/// The three calls leader election makes on its one Lease: a narrow role interface, so the election's timing is
/// tested on virtual time with a fake, and the RBAC rule (get, create, update of one Lease) reads off one place.
/// </summary>
/// <remarks>
/// A refused connection, a reset or a timeout surfaces as whatever the client throws; the election treats every
/// such failure alike (the API server could not be reached) and retries.
/// </remarks>
internal interface ILeaseApi
{
    /// <summary>The Lease, or null when it does not exist yet.</summary>
    Task<V1Lease?> GetAsync(CancellationToken cancellationToken);

    /// <exception cref="Core.Contracts.StoreException">AlreadyExists: another candidate created it first.</exception>
    Task<V1Lease> CreateAsync(V1Lease lease, CancellationToken cancellationToken);

    /// <summary>Replaces the Lease; its <c>metadata.resourceVersion</c> must still be current.</summary>
    /// <exception cref="Core.Contracts.StoreException">Conflict: another candidate wrote it since it was read.</exception>
    Task<V1Lease> ReplaceAsync(V1Lease lease, CancellationToken cancellationToken);
}
