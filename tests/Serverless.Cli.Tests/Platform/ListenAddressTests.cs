using Serverless.Cli.Platform;

namespace Serverless.Cli.Tests.Platform;

public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080, "127.0.0.1:8080")]
    [InlineData("localhost:0", "localhost", 0, "localhost:0")]
    [InlineData("0.0.0.0:80", "0.0.0.0", 80, "0.0.0.0:80")]
    [InlineData("[::1]:8081", "::1", 8081, "[::1]:8081")]
    [InlineData("9090", "127.0.0.1", 9090, "127.0.0.1:9090")]
    [InlineData(":9090", "127.0.0.1", 9090, "127.0.0.1:9090")]
    [InlineData(" 127.0.0.1:65535 ", "127.0.0.1", 65535, "127.0.0.1:65535")]
    public void TryParse_Valid_HostPortAndCanonicalText(string text, string host, int port, string canonical)
    {
        Assert.True(ListenAddress.TryParse(text, out var address, out var error), error);
        Assert.Equal(new ListenAddress(host, port), address);
        Assert.Equal(canonical, address.ToString());
    }

    [Theory]
    [InlineData("", "expected host:port")]
    [InlineData("127.0.0.1:", "the port must be a number")]
    [InlineData("127.0.0.1:http", "the port must be a number")]
    [InlineData("127.0.0.1:65536", "the port must be a number from 0 to 65535")]
    [InlineData("127.0.0.1:-1", "the port must be a number")]
    [InlineData("::1:8080", "write an IPv6 address in brackets")]
    [InlineData("[::1]", "an IPv6 address needs a port")]
    [InlineData("http://x:80", "write an IPv6 address in brackets")]
    [InlineData("a b:80", "is not a host name or IP address")]
    public void TryParse_Invalid_ExplainsWhy(string text, string expected)
    {
        Assert.False(ListenAddress.TryParse(text, out var address, out var error));
        Assert.Null(address);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
