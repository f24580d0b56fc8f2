using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Serverless.Core.Wire;

/// <summary>
/// The admin API's TLS files under the state directory, which the platform generates at first start
/// (<c>platform/Admin/AdminCertificates</c>), and how a client of this machine trusts them: the platform's own CA,
/// next to (never instead of) the system's roots.
/// </summary>
/// <remarks>
/// kubectl (client-go) sends no bearer token over plain HTTP, so the admin API serves HTTPS by default; the CLI, the
/// tests' clients and the kubeconfig of <c>func kubeconfig</c> all trust <c>{home}/tls/ca.crt</c>.
/// </remarks>
public static class AdminTls
{
    public const string DirectoryName = "tls";

    public const string CaCertificateFileName = "ca.crt";

    public const string CaKeyFileName = "ca.key";

    public const string ServingCertificateFileName = "server.crt";

    public const string ServingKeyFileName = "server.key";

    public static string DirectoryIn(string home) => Path.Combine(home, DirectoryName);

    public static string CaCertificatePath(string home) => Path.Combine(home, DirectoryName, CaCertificateFileName);

    /// <summary>The CA's PEM text, or null when the platform has not generated one (or it is not ours to read).</summary>
    public static string? ReadCaPem(string home)
    {
        try
        {
            return File.ReadAllText(CaCertificatePath(home)) is { Length: > 0 } pem ? pem : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// A validation callback that accepts what the system trusts, or a chain to the CA in <paramref name="home"/>
    /// (read at each handshake: a platform started after this client generated it). A name mismatch is never accepted.
    /// </summary>
    public static RemoteCertificateValidationCallback TrustingCaIn(string home) =>
        (_, certificate, _, errors) => Validate(certificate, errors, () => ReadCaPem(home));

    /// <summary>Whether a server certificate is trusted: by the system, or as issued by the CA <paramref name="caPem"/> reads.</summary>
    public static bool Validate(X509Certificate? certificate, SslPolicyErrors errors, Func<string?> caPem)
    {
        ArgumentNullException.ThrowIfNull(caPem);
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors || caPem() is not { } pem)
        {
            return false;
        }

        using var ca = X509Certificate2.CreateFromPem(pem);
        using var leaf = new X509Certificate2(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }
}
