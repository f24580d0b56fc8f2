using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Serverless.Runtime.Dotnet.Specialization;

/// <summary>
/// Who may specialize this process: the holder of the token the local platform gave it (<c>SPECIALIZE_TOKEN</c>), or on
/// Kubernetes the platform's signature for this pod and this body (<c>SPECIALIZE_KEY</c>, the platform's RSA public key
/// as a JWK, and <c>SPECIALIZE_POD_UID</c>): RSASSA-PKCS1-v1_5/SHA-256 over
/// <c>serverless-specialize-v1\n{pod uid}\n{hex SHA-256 of the body}</c>, as the python and node runtimes check it.
/// A pool pod then holds no secret a function specialized into it (or into a sibling) could use. Thread-safe.
/// </summary>
internal sealed class SpecializeAuthorizer
{
    public const string Key = "SPECIALIZE_KEY";
    public const string PodUid = "SPECIALIZE_POD_UID";
    private const string Context = "serverless-specialize-v1";

    private readonly byte[]? _token;
    private readonly RSA? _key;
    private readonly string? _podUid;

    private SpecializeAuthorizer(byte[]? token, RSA? key, string? podUid)
    {
        _token = token;
        _key = key;
        _podUid = podUid;
    }

    /// <summary>
    /// Null when the environment gives neither a token nor a usable key and uid; <paramref name="error"/> then says
    /// what is wrong with the key, or is empty when there is neither.
    /// </summary>
    public static SpecializeAuthorizer? TryCreate(Func<string, string?> environment, out string error)
    {
        error = "";
        var keyText = environment(Key)?.Trim();
        if (!string.IsNullOrEmpty(keyText))
        {
            var uid = environment(PodUid)?.Trim();
            if (string.IsNullOrEmpty(uid))
            {
                error = $"{PodUid} is required with {Key}";
                return null;
            }

            try
            {
                using var jwk = JsonDocument.Parse(keyText);
                var root = jwk.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("kty", out var kty) || kty.GetString() != "RSA")
                {
                    error = $"{Key} must be an RSA JWK";
                    return null;
                }

                var rsa = RSA.Create();
                rsa.ImportParameters(new RSAParameters { Modulus = Base64Url(root.GetProperty("n").GetString()), Exponent = Base64Url(root.GetProperty("e").GetString()) });
                if (rsa.KeySize < 2048)
                {
                    rsa.Dispose();
                    error = $"{Key} must be an RSA key of at least 2048 bits";
                    return null;
                }

                return new SpecializeAuthorizer(null, rsa, uid);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or CryptographicException)
            {
                error = $"{Key} is not an RSA JWK: {e.Message}";
                return null;
            }
        }

        var token = environment(GenericHost.Token)?.Trim();
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        return new SpecializeAuthorizer(Encoding.UTF8.GetBytes(token), null, null);
    }

    public bool Authorized(string header, ReadOnlySpan<byte> body)
    {
        if (_key is null)
        {
            const string Bearer = "Bearer ";
            return header.StartsWith(Bearer, StringComparison.Ordinal)
                && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Bearer.Length..].Trim()), _token);
        }

        const string Scheme = "Signature ";
        if (!header.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return false;
        }

        var signature = new byte[_key.KeySize / 8];
        if (!Convert.TryFromBase64String(header[Scheme.Length..].Trim(), signature, out var written) || written != signature.Length)
        {
            return false;
        }

        var message = Encoding.UTF8.GetBytes(Context + "\n" + _podUid + "\n" + Convert.ToHexStringLower(SHA256.HashData(body)));
        return _key.VerifyData(message, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    private static byte[] Base64Url(string? text)
    {
        var value = (text ?? throw new FormatException("n and e are required")).Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(value.PadRight(value.Length + ((4 - (value.Length % 4)) % 4), '='));
    }
}
