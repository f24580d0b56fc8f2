using System.Net;
using System.Text;
using k8s;
using k8s.Models;
using Serverless.Hosting.Kubernetes;

namespace Serverless.Backends.Kubernetes.Pools;

/// <summary>
/// The Secret <c>{platform namespace}/serverless-pool-signing-key</c> holding the <see cref="PoolSigningKey"/>: the
/// controller's leader makes it on its first pool pass (create; an AlreadyExists reads the one another term made),
/// the activators only read it (RBAC: get of that one name). It never leaves the platform's namespace: no function
/// namespace holds it, and no pod mounts it. Caches the key once read; thread-safe.
/// </summary>
internal sealed class PoolKeyStore
{
    public const string SecretName = "serverless-pool-signing-key";
    public const string DataKey = "key.pem";

    private readonly IKubernetes _client;
    private readonly string _namespace;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private PoolSigningKey? _key;

    public PoolKeyStore(IKubernetes client, string @namespace)
    {
        _client = client;
        _namespace = @namespace;
    }

    /// <summary>The controller's: reads the key, creating it when there is none.</summary>
    public Task<PoolSigningKey> EnsureAsync(CancellationToken cancellationToken) => GetAsync(create: true, cancellationToken);

    /// <summary>The activators': reads the key; a missing Secret throws (the controller makes it before any pool exists).</summary>
    public Task<PoolSigningKey> ReadAsync(CancellationToken cancellationToken) => GetAsync(create: false, cancellationToken);

    private async Task<PoolSigningKey> GetAsync(bool create, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _key) is { } cached)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_key is not null)
            {
                return _key;
            }

            var key = await TryReadAsync(cancellationToken).ConfigureAwait(false);
            if (key is null && create)
            {
                key = PoolSigningKey.Create();
                var secret = new V1Secret
                {
                    ApiVersion = "v1",
                    Kind = "Secret",
                    Type = "Opaque",
                    Metadata = new V1ObjectMeta
                    {
                        Name = SecretName,
                        NamespaceProperty = _namespace,
                        Labels = new Dictionary<string, string>(StringComparer.Ordinal) { [PoolLabels.PartOf] = PoolLabels.PartOfValue },
                    },
                    Data = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [DataKey] = Encoding.UTF8.GetBytes(key.ToPem()) },
                };
                try
                {
                    await _client.CoreV1.CreateNamespacedSecretAsync(secret, _namespace, fieldManager: "serverless", cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (KubeErrors.Is(e, HttpStatusCode.Conflict))
                {
                    // Another term made it first: theirs is the key the pools carry.
                    key.Dispose();
                    key = await TryReadAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            Volatile.Write(ref _key, key ?? throw new InvalidOperationException($"no pool signing key: the Secret {_namespace}/{SecretName} does not exist yet (the controller makes it)"));
            return key;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<PoolSigningKey?> TryReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var secret = await _client.CoreV1.ReadNamespacedSecretAsync(SecretName, _namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            return secret.Data is { } data && data.TryGetValue(DataKey, out var pem)
                ? PoolSigningKey.FromPem(Encoding.UTF8.GetString(pem))
                : throw new InvalidOperationException($"the Secret {_namespace}/{SecretName} has no key {DataKey}");
        }
        catch (Exception e) when (KubeErrors.Is(e, HttpStatusCode.NotFound))
        {
            return null;
        }
    }
}
