using Serverless.Eventing.Binding;

namespace Serverless.Eventing.Tests.Binding;

public sealed class HeaderPercentEncodingTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("héllo \"quoted\" 100%", "h%C3%A9llo%20%22quoted%22%20100%25")]
    [InlineData("tab\tand\u007f", "tab%09and%7F")]
    [InlineData("", "")]
    public void Encode_ThenDecode_RoundTrips(string value, string encoded)
    {
        Assert.Equal(encoded, HeaderPercentEncoding.Encode(value));
        Assert.Equal(value, HeaderPercentEncoding.Decode(encoded));
    }

    [Theory]
    [InlineData("100%")]
    [InlineData("%zz")]
    [InlineData("%FF")]
    [InlineData("%C3")]
    public void Decode_Malformed_LeftAsItCame(string value)
    {
        Assert.Equal(value, HeaderPercentEncoding.Decode(value));
    }
}
