using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Serverless.Backends.Kubernetes.Pools;

/// <summary>
/// The platform's key for warm-pool specializations: an RSA-2048 pair whose private half lives in one Secret in the
/// platform's namespace (<see cref="PoolKeyStore"/>), read by the controller (which puts the public half in the pool
/// template) and the activators (which sign). A pool pod holds the public half only (<c>SPECIALIZE_KEY</c>), and
/// accepts a <c>POST /specialize</c> signed over its own uid and the body's SHA-256 (runtimes/README.md).
/// </summary>
/// <remarks>
/// Why this and not a token: a Deployment's one template cannot give each pod its own secret, and anything a pod holds
/// a function specialized into it can read (its initial environment stays in <c>/proc/self/environ</c>, the runtime's
/// memory is the function's). A public key read that way signs nothing, and a signature a pod received names that
/// pod's uid, so it is useless on any other pod, and on its own pod, specialized once, it gets 409. Thread-safe.
/// </remarks>
internal sealed class PoolSigningKey : IDisposable
{
    /// <summary>RFC 8017's recommendation for keys in use beyond 2030 is 3072; 2048 keeps a signature at about a millisecond.</summary>
    public const int Bits = 2048;

    /// <summary>Keeps a signature for one pod from passing as one for any other use (the runtimes build the same text).</summary>
    public const string Context = "serverless-specialize-v1";

    public const string Scheme = "Signature";

    private readonly RSA _rsa;

    private PoolSigningKey(RSA rsa)
    {
        _rsa = rsa;
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        PublicJwk = new JsonObject
        {
            ["kty"] = "RSA",
            ["n"] = Base64Url(parameters.Modulus!),
            ["e"] = Base64Url(parameters.Exponent!),
        }.ToJsonString();
    }

    /// <summary>The public half as an RSA JWK (RFC 7517): the pool pods' <c>SPECIALIZE_KEY</c>.</summary>
    public string PublicJwk { get; }

    public static PoolSigningKey Create() => new(RSA.Create(Bits));

    /// <summary>From the PKCS#8 PEM a Secret holds; throws <see cref="CryptographicException"/> or <see cref="ArgumentException"/> when it is none.</summary>
    public static PoolSigningKey FromPem(string pem)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            if (rsa.KeySize < Bits)
            {
                throw new CryptographicException($"the pool signing key has {rsa.KeySize} bits, fewer than {Bits}");
            }

            return new PoolSigningKey(rsa);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    public string ToPem() => _rsa.ExportPkcs8PrivateKeyPem();

    /// <summary>What a pod's runtime checks: <see cref="Context"/>, the pod's uid and the body's SHA-256 (hex), one a line.</summary>
    public static byte[] Message(string podUid, ReadOnlySpan<byte> body) =>
        Encoding.UTF8.GetBytes(Context + "\n" + podUid + "\n" + Convert.ToHexStringLower(SHA256.HashData(body)));

    /// <summary>The Authorization header's value for one specialization of the pod <paramref name="podUid"/> with <paramref name="body"/>.</summary>
    public string Authorization(string podUid, ReadOnlySpan<byte> body) =>
        Convert.ToBase64String(_rsa.SignData(Message(podUid, body), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public void Dispose() => _rsa.Dispose();

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
