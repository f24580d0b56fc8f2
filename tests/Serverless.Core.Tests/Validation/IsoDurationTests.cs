using Serverless.Core.Validation;

namespace Serverless.Core.Tests.Validation;

public sealed class IsoDurationTests
{
    public static TheoryData<string, string, double> Valid => new()
    {
        // label, text, expected seconds
        { "fraction of a second", "PT0.2S", 0.2 },
        { "comma fraction", "PT0,5S", 0.5 },
        { "seconds", "PT30S", 30 },
        { "minutes", "PT5M", 300 },
        { "hours", "PT1H", 3600 },
        { "day", "P1D", 86_400 },
        { "week", "P2W", 14 * 86_400 },
        { "combined", "P1DT2H30M15S", 86_400 + 2 * 3600 + 30 * 60 + 15 },
        { "fraction on the last component", "PT1H0.5M", 3630 },
        { "zero", "PT0S", 0 },
        { "millisecond", "PT0.001S", 0.001 },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void TryParse_ValidDuration_ReturnsTimeSpan(string label, string text, double seconds)
    {
        var parsed = IsoDuration.TryParse(text, out var duration);

        Assert.True(parsed, label);
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    public static TheoryData<string, string?> Invalid => new()
    {
        { "null", null },
        { "empty", "" },
        { "just P", "P" },
        { "T without components", "PT" },
        { "day then empty T", "P1DT" },
        { "negative", "-PT1S" },
        { "negative component", "PT-1S" },
        { "no P", "T1S" },
        { "plain number", "30" },
        { "Go duration", "30s" },
        { "lower case", "pt30s" },
        { "years", "P1Y" },
        { "months", "P1M" },
        { "minutes without T", "P5M" },
        { "hours without T", "P1H" },
        { "wrong order", "PT1S1M" },
        { "fraction not on last", "PT1.5H30M" },
        { "leading space", " PT1S" },
        { "trailing newline", "PT1S\n" },
        { "NUL", "PT1S\0" },
        { "bare fraction", "PT.5S" },
        { "exponent", "PT1E3S" },
        { "garbage", "$(reboot)" },
        { "overflow", "P999999999999999999W" },
        { "too long", "PT" + new string('0', 70) + "1S" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void TryParse_InvalidDuration_ReturnsFalse(string label, string? text)
    {
        var parsed = IsoDuration.TryParse(text, out var duration);

        Assert.False(parsed, label);
        Assert.Equal(TimeSpan.Zero, duration);
    }
}
