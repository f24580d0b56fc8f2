using System.Globalization;
using System.Net.Http;
using k8s.Models;
using Serverless.Backends.Kubernetes.Leadership;
using Serverless.Core.Contracts;
using Serverless.Core.Serialization;

namespace Serverless.Backends.Kubernetes.Tests.Leadership;

/// <summary>
/// One Lease as an API server keeps it (resourceVersion checked on every replace), shared by the gates of a test,
/// each through its own <see cref="Client"/> that can be cut off (connection refused) on its own or with the server.
/// Answers synchronously, so a test on virtual time decides exactly when each call happens.
/// </summary>
internal sealed class FakeLeaseServer
{
    private readonly object _gate = new();
    private V1Lease? _lease;
    private long _version;

    /// <summary>Every call refused, as a stopped API server.</summary>
    public bool Down { get; set; }

    public List<string> Calls { get; } = [];

    public V1Lease? Lease
    {
        get
        {
            lock (_gate)
            {
                return _lease is null ? null : ResourceJson.Clone(_lease);
            }
        }
    }

    public string? Holder => Lease?.Spec?.HolderIdentity;

    public Client For(string identity) => new(this, identity);

    /// <summary>Writes the Lease again as it is (a new resourceVersion), as a renewal the holder never saw answered.</summary>
    public void Touch()
    {
        lock (_gate)
        {
            Store(_lease!);
        }
    }

    internal sealed class Client(FakeLeaseServer server, string identity) : ILeaseApi
    {
        /// <summary>This client's calls refused, as a replica cut off by a network partition.</summary>
        public bool Partitioned { get; set; }

        public Task<V1Lease?> GetAsync(CancellationToken cancellationToken)
        {
            Enter("get", cancellationToken);
            return Task.FromResult(server.Lease);
        }

        public Task<V1Lease> CreateAsync(V1Lease lease, CancellationToken cancellationToken)
        {
            Enter("create", cancellationToken);
            lock (server._gate)
            {
                if (server._lease is not null)
                {
                    throw new StoreException(StoreErrorKind.AlreadyExists, "leases \"serverless-controller\" already exists");
                }

                return Task.FromResult(server.Store(lease));
            }
        }

        public Task<V1Lease> ReplaceAsync(V1Lease lease, CancellationToken cancellationToken)
        {
            Enter("update", cancellationToken);
            lock (server._gate)
            {
                if (server._lease is null)
                {
                    throw new StoreException(StoreErrorKind.NotFound, "leases \"serverless-controller\" not found");
                }

                if (lease.Metadata?.ResourceVersion != server._lease.Metadata.ResourceVersion)
                {
                    throw new StoreException(StoreErrorKind.Conflict, "the object has been modified");
                }

                return Task.FromResult(server.Store(lease));
            }
        }

        private void Enter(string verb, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (server._gate)
            {
                server.Calls.Add($"{identity} {verb}{(server.Down || Partitioned ? " refused" : "")}");
            }

            if (server.Down || Partitioned)
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:6443)");
            }
        }
    }

    private V1Lease Store(V1Lease lease)
    {
        var stored = ResourceJson.Clone(lease);
        stored.Metadata ??= new V1ObjectMeta();
        stored.Metadata.ResourceVersion = (++_version).ToString(CultureInfo.InvariantCulture);
        _lease = stored;
        return ResourceJson.Clone(stored);
    }
}
