using Serverless.Core.Configuration;

namespace Serverless.Core.Tests.Configuration;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("60s", 60_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("500ms", 500)]
    [InlineData("1.5s", 1_500)]
    [InlineData("0", 0)]
    [InlineData(" 6s ", 6_000)]
    [InlineData("00:01:00", 60_000)]
    [InlineData("00:00:02.5", 2_500)]
    public void TryParse_ValidText_ReturnsDuration(string text, long expectedMilliseconds)
    {
        Assert.True(DurationText.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("60")]
    [InlineData("s")]
    [InlineData("10x")]
    [InlineData("1m30")]
    [InlineData("abc")]
    public void TryParse_InvalidText_ReturnsFalse(string text)
    {
        Assert.False(DurationText.TryParse(text, out _));
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(600, "600ms")]
    [InlineData(6_000, "6s")]
    [InlineData(60_000, "1m")]
    [InlineData(90_000, "1m30s")]
    [InlineData(3_600_000, "1h")]
    [InlineData(60_500, "1m0.5s")]
    public void Format_Duration_WritesGoStyle(long milliseconds, string expected)
    {
        Assert.Equal(expected, DurationText.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }
}
