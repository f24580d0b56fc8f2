using System.Net;
using System.Text;
using Serverless.Runtime.Dotnet.Specialization;

namespace Serverless.Runtime.Dotnet.Tests.Specialization;

public sealed class LoopbackWarmUpTests
{
    [Theory]
    [InlineData("HTTP/1.1 422 Unprocessable Entity\r\nContent-Length: 0\r\n\r\n", 422)]
    [InlineData("HTTP/1.1 503 Service Unavailable\r\n\r\n", 503)]
    [InlineData("HTTP/1.0 200 OK\r\n\r\n", 200)]
    [InlineData("HTTP/1.1 204\r\n\r\n", 204)]
    [InlineData("HTTP/1.1 422", 422)]
    [InlineData("", null)]
    [InlineData("HTTP/1.1", null)]
    [InlineData("HTTP/2 200 OK\r\n\r\n", null)]
    [InlineData("HTTP/1.1 42 Short\r\n\r\n", null)]
    [InlineData("HTTP/1.1 4220 Long\r\n\r\n", null)]
    [InlineData("HTTP/1.1 abc Letters\r\n\r\n", null)]
    [InlineData("HTTP/1.1 099 Below\r\n\r\n", null)]
    [InlineData("SSH-2.0-OpenSSH_9.2\r\n", null)]
    public void ParseStatus_StatusLine_CodeOrNull(string response, int? expected) =>
        Assert.Equal(expected, LoopbackWarmUp.ParseStatus(Encoding.ASCII.GetBytes(response)));

    [Theory]
    [InlineData("0.0.0.0", "127.0.0.1")]
    [InlineData("::", "::1")]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("::1", "::1")]
    [InlineData("10.1.2.3", "10.1.2.3")]
    public void Target_WildcardListenAddress_ReachedThroughItsFamilysLoopback(string listen, string expected) =>
        Assert.Equal(IPAddress.Parse(expected), LoopbackWarmUp.Target(IPAddress.Parse(listen)));

    [Fact]
    public void SpecializeRequest_CarriesTheTokenAndTheBodyWithItsLength()
    {
        var request = LoopbackWarmUp.SpecializeRequest("s3cret");

        var separator = request.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = request[..separator];
        var body = request[(separator + 4)..];
        Assert.StartsWith("POST /specialize HTTP/1.1\r\n", head, StringComparison.Ordinal);
        Assert.Contains("\r\nAuthorization: Bearer s3cret", head, StringComparison.Ordinal);
        Assert.Contains($"\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}", head, StringComparison.Ordinal);
        Assert.Equal(LoopbackWarmUp.SpecializeBody, body);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void SpecializeRequest_WithoutAToken_SendsNoAuthorization(string? token)
    {
        var request = LoopbackWarmUp.SpecializeRequest(token);

        Assert.DoesNotContain("Authorization", request, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("\r\n\r\n" + LoopbackWarmUp.SpecializeBody, request, StringComparison.Ordinal);
    }
}
