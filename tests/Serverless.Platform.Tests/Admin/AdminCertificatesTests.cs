using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Core.Wire;
using Serverless.Platform.Admin;
using Serverless.TestSupport;

namespace Serverless.Platform.Tests.Admin;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AdminCertificatesTests : IDisposable
{
    private static readonly IPAddress[] Interfaces = [IPAddress.Parse("10.1.2.3"), IPAddress.Parse("fe80::1%2"), IPAddress.Parse("2001:db8::5"), IPAddress.Loopback];

    private readonly TempDirectory _home = new("serverless-tls");
    private readonly ManualTimeProvider _time = new(TimeProvider.System.GetUtcNow()); // the chain checks of AdminTls.Validate read the real clock

    public void Dispose() => _home.Dispose();

    public static TheoryData<string, string, string[]> Addresses => new()
    {
        { "loopback adds nothing", "127.0.0.1", [] },
        { "a specific address is named", "192.168.7.9", ["192.168.7.9"] },
        { "IPv6 loopback adds nothing", "::1", [] },
        { "IPv4 wildcard: every local address but link-local", "0.0.0.0", ["10.1.2.3", "2001:db8::5"] },
        { "IPv6 wildcard: the same", "::", ["10.1.2.3", "2001:db8::5"] },
    };

    [Theory]
    [MemberData(nameof(Addresses))]
    public void SubjectNames_Address_LoopbackNamesPlusTheAddress(string label, string address, string[] extra)
    {
        var names = AdminCertificates.SubjectNames(IPAddress.Parse(address), () => Interfaces);

        Assert.True(
            names.Select(n => n.ToString()).SequenceEqual(["127.0.0.1", "::1", "localhost", .. extra]),
            $"{label}: {string.Join(", ", names)}");
    }

    [Fact]
    public void LoadOrCreate_NewHome_OwnerOnlyFilesAChainToTheCaAndReuse()
    {
        using var first = AdminCertificates.LoadOrCreate(_home.Path, IPAddress.Loopback, _time, NullLogger.Instance);
        using var second = AdminCertificates.LoadOrCreate(_home.Path, IPAddress.Loopback, _time, NullLogger.Instance);

        var directory = AdminTls.DirectoryIn(_home.Path);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        foreach (var file in new[] { "ca.crt", "ca.key", "server.crt", "server.key" })
        {
            Assert.True(File.GetUnixFileMode(Path.Combine(directory, file)) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), file);
        }

        Assert.True(first.HasPrivateKey);
        Assert.Equal(first.Thumbprint, second.Thumbprint);
        Assert.True(AdminTls.Validate(first, SslPolicyErrors.RemoteCertificateChainErrors, () => AdminTls.ReadCaPem(_home.Path)));
        Assert.False(AdminTls.Validate(first, SslPolicyErrors.RemoteCertificateNameMismatch, () => AdminTls.ReadCaPem(_home.Path)));
        using var otherHome = new TempDirectory("serverless-tls");
        using var other = AdminCertificates.LoadOrCreate(otherHome.Path, IPAddress.Loopback, _time, NullLogger.Instance);
        Assert.False(AdminTls.Validate(other, SslPolicyErrors.RemoteCertificateChainErrors, () => AdminTls.ReadCaPem(_home.Path)));
    }

    [Fact]
    public void LoadOrCreate_NewAddressOrNearExpiry_ReissuedBySameCa()
    {
        using var first = AdminCertificates.LoadOrCreate(_home.Path, IPAddress.Loopback, _time, NullLogger.Instance);
        var ca = File.ReadAllText(AdminTls.CaCertificatePath(_home.Path));

        using var moved = AdminCertificates.LoadOrCreate(_home.Path, IPAddress.Parse("192.168.7.9"), _time, NullLogger.Instance);
        _time.Advance(TimeSpan.FromDays(340));
        using var renewed = AdminCertificates.LoadOrCreate(_home.Path, IPAddress.Parse("192.168.7.9"), _time, NullLogger.Instance);

        Assert.NotEqual(first.Thumbprint, moved.Thumbprint);
        Assert.Contains(IPAddress.Parse("192.168.7.9"), moved.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses());
        Assert.NotEqual(moved.Thumbprint, renewed.Thumbprint);
        Assert.True(renewed.NotAfter.ToUniversalTime() > _time.GetUtcNow().AddDays(300));
        Assert.Equal(ca, File.ReadAllText(AdminTls.CaCertificatePath(_home.Path)));
        using var caCertificate = X509Certificate2.CreateFromPem(ca);
        Assert.True(AdminCertificates.IsUsable(renewed, caCertificate, AdminCertificates.SubjectNames(IPAddress.Parse("192.168.7.9")), _time.GetUtcNow()));
    }
}
