using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Serverless.Runtime.Dotnet.Specialization;

namespace Serverless.Runtime.Dotnet.Tests.Specialization;

/// <summary>The Kubernetes pools' check: the platform's RSA signature over this pod's uid and the body, as the platform makes it.</summary>
public sealed class SpecializeAuthorizerTests
{
    [Fact]
    public void Authorized_SignatureTable()
    {
        using var platform = RSA.Create(2048);
        using var other = RSA.Create(2048);
        var authorizer = SpecializeAuthorizer.TryCreate(Env((SpecializeAuthorizer.Key, Jwk(platform)), (SpecializeAuthorizer.PodUid, "uid-a")), out var error);
        Assert.NotNull(authorizer);
        Assert.Equal("", error);
        var body = Encoding.UTF8.GetBytes("""{"functionPath":"/function"}""");
        var good = Sign(platform, "uid-a", body);
        var cases = new (string Name, string Header, byte[] Body, bool Expected)[]
        {
            ("the platform's signature for this pod and body", good, body, true),
            ("another pod's", Sign(platform, "uid-b", body), body, false),
            ("another body", good, Encoding.UTF8.GetBytes("""{"functionPath":"/other"}"""), false),
            ("another key's", Sign(other, "uid-a", body), body, false),
            ("the signature as a bearer token", "Bearer " + good["Signature ".Length..], body, false),
            ("not base64", "Signature !!!", body, false),
            ("too short", "Signature AAAA", body, false),
            ("no header", "", body, false),
        };
        foreach (var (name, header, requestBody, expected) in cases)
        {
            Assert.True(expected == authorizer.Authorized(header, requestBody), name);
        }
    }

    [Fact]
    public void TryCreate_SettingsTable()
    {
        using var small = RSA.Create(1024);
        var cases = new (string Name, Func<string, string?> Environment, bool Created, string Error)[]
        {
            ("a token", Env(("SPECIALIZE_TOKEN", "t")), true, ""),
            ("nothing", Env(), false, ""),
            ("a key without uid", Env((SpecializeAuthorizer.Key, "{}")), false, "SPECIALIZE_POD_UID is required with SPECIALIZE_KEY"),
            ("not a JWK", Env((SpecializeAuthorizer.Key, "{}"), (SpecializeAuthorizer.PodUid, "u")), false, "SPECIALIZE_KEY must be an RSA JWK"),
            ("a 1024-bit key", Env((SpecializeAuthorizer.Key, Jwk(small)), (SpecializeAuthorizer.PodUid, "u")), false, "SPECIALIZE_KEY must be an RSA key of at least 2048 bits"),
        };
        foreach (var (name, environment, created, expected) in cases)
        {
            var authorizer = SpecializeAuthorizer.TryCreate(environment, out var error);
            Assert.True(created == authorizer is not null, name);
            Assert.True(expected == error, $"{name}: {error}");
        }
    }

    [Fact]
    public void Authorized_Token_OnlyTheExactBearerToken()
    {
        var authorizer = SpecializeAuthorizer.TryCreate(Env(("SPECIALIZE_TOKEN", "t0ken")), out _)!;

        Assert.True(authorizer.Authorized("Bearer t0ken", []));
        Assert.False(authorizer.Authorized("Bearer t0ke", []));
        Assert.False(authorizer.Authorized("Signature t0ken", []));
    }

    private static Func<string, string?> Env(params (string Key, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Key == name).Value;

    private static string Jwk(RSA rsa)
    {
        var parameters = rsa.ExportParameters(false);
        static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return new JsonObject { ["kty"] = "RSA", ["n"] = B64(parameters.Modulus!), ["e"] = B64(parameters.Exponent!) }.ToJsonString();
    }

    private static string Sign(RSA rsa, string podUid, byte[] body) =>
        "Signature " + Convert.ToBase64String(rsa.SignData(
            Encoding.UTF8.GetBytes("serverless-specialize-v1\n" + podUid + "\n" + Convert.ToHexStringLower(SHA256.HashData(body))),
            HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1));
}
