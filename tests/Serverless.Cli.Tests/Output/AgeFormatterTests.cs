using Serverless.Cli.Output;

namespace Serverless.Cli.Tests.Output;

public sealed class AgeFormatterTests
{
    [Theory]
    [InlineData(-5, "<invalid>")]
    [InlineData(-0.5, "0s")]
    [InlineData(0, "0s")]
    [InlineData(45, "45s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(330, "5m30s")]
    [InlineData(599, "9m59s")]
    [InlineData(600, "10m")]
    [InlineData(42 * 60, "42m")]
    [InlineData(179 * 60, "179m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData(5.5 * 3600, "5h30m")]
    [InlineData(30 * 3600, "30h")]
    [InlineData(48 * 3600, "2d")]
    [InlineData(76 * 3600, "3d4h")]
    [InlineData(120 * 86400, "120d")]
    [InlineData(740 * 86400, "2y10d")]
    [InlineData(3650 * 86400, "10y")]
    public void Format_Age_KubectlStyle(double seconds, string expected)
    {
        Assert.Equal(expected, AgeFormatter.Format(TimeSpan.FromSeconds(seconds)));
    }
}
