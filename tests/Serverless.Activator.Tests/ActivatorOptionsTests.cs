namespace Serverless.Activator.Tests;

public sealed class ActivatorOptionsTests
{
    [Fact]
    public void Validate_Defaults_Pass()
    {
        var options = new ActivatorOptions();

        options.Validate();

        Assert.Equal(1000, options.MaxQueuedRequestsPerFunction);
        Assert.Equal(64L * 1024 * 1024, options.MaxQueuedBytesPerFunction);
        Assert.Equal(TimeSpan.FromSeconds(60), options.ActivationDeadline);
        Assert.Equal(5, options.OutlierConsecutiveFailures);
        Assert.Equal(TimeSpan.FromSeconds(30), options.OutlierBaseEjectionTime);
    }

    [Theory]
    [InlineData("MaxQueuedRequestsPerFunction")]
    [InlineData("MaxQueuedBytesPerFunction")]
    [InlineData("ActivationDeadline")]
    [InlineData("MaxForwardAttempts")]
    [InlineData("OutlierConsecutiveFailures")]
    [InlineData("OutlierMaxEjectionTime")]
    [InlineData("ReportInterval")]
    public void Validate_OutOfRange_NamesTheKey(string key)
    {
        var options = new ActivatorOptions();
        switch (key)
        {
            case "MaxQueuedRequestsPerFunction": options.MaxQueuedRequestsPerFunction = -1; break;
            case "MaxQueuedBytesPerFunction": options.MaxQueuedBytesPerFunction = -1; break;
            case "ActivationDeadline": options.ActivationDeadline = TimeSpan.Zero; break;
            case "MaxForwardAttempts": options.MaxForwardAttempts = 0; break;
            case "OutlierConsecutiveFailures": options.OutlierConsecutiveFailures = 0; break;
            case "OutlierMaxEjectionTime": options.OutlierMaxEjectionTime = TimeSpan.FromSeconds(1); break;
            case "ReportInterval": options.ReportInterval = TimeSpan.Zero; break;
        }

        var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);

        Assert.Equal(key, error.ParamName);
        Assert.Contains($"activator option {key} = ", error.Message, StringComparison.Ordinal);
    }
}
