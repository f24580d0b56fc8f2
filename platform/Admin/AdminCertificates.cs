using System.Net;
using System.Net.NetworkInformation;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;
using Serverless.Core.Wire;

namespace Serverless.Platform.Admin;

/// <summary>
/// The admin API's CA and serving certificate under <c>{home}/tls</c> (<see cref="AdminTls"/>): generated at first
/// start, kept across restarts, the serving one reissued by the same CA when it nears its end or does not name the
/// address the admin API now listens on. Every file is 0600, created with that mode.
/// </summary>
/// <remarks>
/// ECDSA P-256, which client-go, .NET and OpenSSL all accept. The CA lives ten years so that a kubeconfig handed out
/// keeps working; the serving certificate one year, renewed at a start within 30 days of its end.
/// Call <see cref="LoadOrCreate"/> while holding the home's lock, as for the admin token.
/// </remarks>
internal static partial class AdminCertificates
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3650);
    private static readonly TimeSpan ServingLifetime = TimeSpan.FromDays(365);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    /// <summary>The serving certificate, with its key, for <paramref name="address"/> (a wildcard adds nothing to the loopback names).</summary>
    public static X509Certificate2 LoadOrCreate(string home, IPAddress address, TimeProvider time, ILogger logger)
    {
        var directory = AdminTls.DirectoryIn(home);
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var now = time.GetUtcNow();
        var caCertificatePath = Path.Combine(directory, AdminTls.CaCertificateFileName);
        var caKeyPath = Path.Combine(directory, AdminTls.CaKeyFileName);
        var servingCertificatePath = Path.Combine(directory, AdminTls.ServingCertificateFileName);
        var servingKeyPath = Path.Combine(directory, AdminTls.ServingKeyFileName);
        var names = SubjectNames(address);

        using var ca = Load(caCertificatePath, caKeyPath) is { } existingCa && existingCa.NotAfter.ToUniversalTime() > now + RenewBefore
            ? existingCa
            : CreateCa(caCertificatePath, caKeyPath, now, logger);
        if (Load(servingCertificatePath, servingKeyPath) is { } serving)
        {
            if (IsUsable(serving, ca, names, now))
            {
                return serving;
            }

            serving.Dispose();
        }

        var created = CreateServing(ca, names, now);
        Write(servingKeyPath, created.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        Write(servingCertificatePath, created.ExportCertificatePem());
        LogServingIssued(logger, string.Join(", ", names.Select(n => n.ToString())), servingCertificatePath);
        return created;
    }

    /// <summary>
    /// 127.0.0.1, ::1 and localhost, and the configured address; for a wildcard, this machine's addresses (but IPv6
    /// link-local ones, whose zone a certificate cannot carry), since clients may reach it on any of them.
    /// </summary>
    public static IReadOnlyList<object> SubjectNames(IPAddress address) => SubjectNames(address, LocalAddresses);

    /// <param name="localAddresses">This machine's addresses, asked only for a wildcard.</param>
    public static IReadOnlyList<object> SubjectNames(IPAddress address, Func<IEnumerable<IPAddress>> localAddresses)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(localAddresses);
        var names = new List<object> { IPAddress.Loopback, IPAddress.IPv6Loopback, "localhost" };
        var specific = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        var wildcard = specific.Equals(IPAddress.Any) || specific.Equals(IPAddress.IPv6Any);
        foreach (var candidate in wildcard ? localAddresses() : [specific])
        {
            if (!candidate.IsIPv6LinkLocal && (candidate.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || candidate.ScopeId == 0) && !names.Contains(candidate))
            {
                names.Add(candidate);
            }
        }

        return names;
    }

    private static IEnumerable<IPAddress> LocalAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address);

    /// <summary>Issued by <paramref name="ca"/>, not near its end, and naming every one of <paramref name="names"/>.</summary>
    public static bool IsUsable(X509Certificate2 serving, X509Certificate2 ca, IReadOnlyList<object> names, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(serving);
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(names);
        if (serving.NotAfter.ToUniversalTime() <= now + RenewBefore || serving.NotBefore.ToUniversalTime() > now)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        if (!chain.Build(serving))
        {
            return false;
        }

        var san = serving.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (san is null)
        {
            return false;
        }

        var addresses = san.EnumerateIPAddresses().ToList();
        var dnsNames = san.EnumerateDnsNames().ToList();
        return names.All(n => n is IPAddress ip ? addresses.Contains(ip) : dnsNames.Contains((string)n));
    }

    private static X509Certificate2 CreateCa(string certificatePath, string keyPath, DateTimeOffset now, ILogger logger)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=serverless local admin CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var ca = request.CreateSelfSigned(now.AddHours(-1), now + CaLifetime);
        Write(keyPath, key.ExportPkcs8PrivateKeyPem());
        Write(certificatePath, ca.ExportCertificatePem());
        LogCaGenerated(logger, certificatePath);
        return ca;
    }

    private static X509Certificate2 CreateServing(X509Certificate2 ca, IReadOnlyList<object> names, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=serverless-admin", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (name is IPAddress ip)
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName((string)name);
            }
        }

        request.CertificateExtensions.Add(san.Build());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial: Go refuses negative ones
        var notAfter = now + ServingLifetime < ca.NotAfter.ToUniversalTime() ? now + ServingLifetime : new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        using var issued = request.Create(ca, now.AddHours(-1), notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>The certificate with its key, or null when either file is missing or unreadable as PEM (then both are made anew).</summary>
    private static X509Certificate2? Load(string certificatePath, string keyPath)
    {
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            return null;
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Atomically, created 0600: no reader sees a part of a key, and no one else may ever open it.</summary>
    private static void Write(string path, string pem)
    {
        var temp = path + ".tmp";
        File.Delete(temp);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            stream.Write(Encoding.ASCII.GetBytes(pem.EndsWith('\n') ? pem : pem + "\n"));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    [LoggerMessage(EventId = PlatformEventIds.AdminCaGenerated, Level = LogLevel.Information, Message = "Admin API CA generated in {Path}")]
    private static partial void LogCaGenerated(ILogger logger, string path);

    [LoggerMessage(EventId = PlatformEventIds.AdminServingCertificateIssued, Level = LogLevel.Information, Message = "Admin API serving certificate issued for {Names} in {Path}")]
    private static partial void LogServingIssued(ILogger logger, string names, string path);
}
