using Microsoft.Extensions.Configuration;
using Serverless.Activator.Configuration;
using Serverless.TestSupport;

namespace Serverless.Activator.Tests.Configuration;

public sealed class ActivatorOptionsTests
{
    private static IConfiguration Section(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("activator:" + v.Key, v.Value)))
            .Build()
            .GetSection("activator");

    [Fact]
    public void Defaults_AreDocumentedValuesAndValid()
    {
        var options = new ActivatorOptions();

        Assert.Equal("localhost", options.Domain);
        Assert.Equal(1000, options.MaxQueuedRequestsPerFunction);
        Assert.Equal(64L * 1024 * 1024, options.MaxQueuedBytesPerFunction);
        Assert.Equal(TimeSpan.FromSeconds(60), options.ActivationDeadline);
        Assert.Equal(3, options.MaxForwardAttempts);
        Assert.Equal(5, options.OutlierConsecutiveFailures);
        Assert.Equal(TimeSpan.FromSeconds(30), options.OutlierBaseEjectionTime);
        Assert.Empty(options.Check());
        options.Validate();
    }

    [Fact]
    public void Bind_SampleFile_EqualsDefaults()
    {
        var path = Path.Combine(RepoPaths.Root, "activator", "Configuration", "activator.sample.json");
        var configuration = new ConfigurationBuilder().AddJsonFile(path, optional: false).Build();

        var options = ActivatorOptions.Bind(configuration.GetSection("activator"));

        Assert.Equivalent(new ActivatorOptions(), options, strict: true);
        Assert.Equal(11, configuration.GetSection("activator").GetChildren().Count()); // every key is in the sample
    }

    [Fact]
    public void Bind_EmptySection_EqualsDefaults()
    {
        Assert.Equivalent(new ActivatorOptions(), ActivatorOptions.Bind(Section()), strict: true);
    }

    [Theory]
    [InlineData("domain", "domain", "example.com", nameof(ActivatorOptions.Domain), "example.com")]
    [InlineData("queue depth", "queue-depth", "10", nameof(ActivatorOptions.MaxQueuedRequestsPerFunction), "10")]
    [InlineData("queue bytes plain", "queue-max-bytes", "4096", nameof(ActivatorOptions.MaxQueuedBytesPerFunction), "4096")]
    [InlineData("queue bytes in Ki", "queue-max-bytes", "512Ki", nameof(ActivatorOptions.MaxQueuedBytesPerFunction), "524288")]
    [InlineData("queue bytes in Gi", "queue-max-bytes", "1Gi", nameof(ActivatorOptions.MaxQueuedBytesPerFunction), "1073741824")]
    [InlineData("activation timeout in Go form", "activation-timeout", "1m30s", nameof(ActivatorOptions.ActivationDeadline), "00:01:30")]
    [InlineData("retry-after as TimeSpan text", "retry-after", "00:00:05", nameof(ActivatorOptions.RetryAfter), "00:00:05")]
    [InlineData("connect timeout in ms", "connect-timeout", "500ms", nameof(ActivatorOptions.ConnectTimeout), "00:00:00.5000000")]
    [InlineData("retries are attempts after the first", "max-retries", "0", nameof(ActivatorOptions.MaxForwardAttempts), "1")]
    [InlineData("consecutive failures", "consecutive-failures", "2", nameof(ActivatorOptions.OutlierConsecutiveFailures), "2")]
    [InlineData("base ejection", "base-ejection-time", "10s", nameof(ActivatorOptions.OutlierBaseEjectionTime), "00:00:10")]
    [InlineData("max ejection", "max-ejection-time", "1h", nameof(ActivatorOptions.OutlierMaxEjectionTime), "01:00:00")]
    [InlineData("report interval", "report-interval", "2s", nameof(ActivatorOptions.ReportInterval), "00:00:02")]
    public void Bind_Key_SetsProperty(string label, string key, string value, string property, string expected)
    {
        var options = ActivatorOptions.Bind(Section((key, value)));

        var actual = typeof(ActivatorOptions).GetProperty(property)!.GetValue(options);
        Assert.True(expected == Convert.ToString(actual, System.Globalization.CultureInfo.InvariantCulture), $"{label}: {actual}");
    }

    [Theory]
    [InlineData("negative queue depth", "queue-depth", "-1", "queue-depth = -1, must be 0 or more")]
    [InlineData("queue depth not a number", "queue-depth", "ten", "queue-depth = ten, must be a whole number")]
    [InlineData("queue bytes with a decimal suffix", "queue-max-bytes", "64M", "queue-max-bytes = 64M, must be a byte count such as 1048576, 512Ki, 64Mi or 1Gi")]
    [InlineData("zero activation timeout", "activation-timeout", "0s", "activation-timeout = 0s, must be greater than 0s")]
    [InlineData("duration without unit", "connect-timeout", "5", "connect-timeout = 5, must be a duration such as 60s, 2m or 00:01:00")]
    [InlineData("negative retries", "max-retries", "-1", "max-retries = -1, must be 0 or more")]
    [InlineData("no failures needed to eject", "consecutive-failures", "0", "consecutive-failures = 0, must be 1 or more")]
    [InlineData("max ejection under base", "max-ejection-time", "10s", "max-ejection-time = 10s, must be at least base-ejection-time (30s)")]
    [InlineData("zero report interval", "report-interval", "0s", "report-interval = 0s, must be greater than 0s")]
    [InlineData("domain with upper case", "domain", "Example.COM", "domain = Example.COM, must be a DNS name of lower-case labels such as example.com")]
    [InlineData("domain with an empty label", "domain", "example..com", "domain = example..com, must be a DNS name of lower-case labels such as example.com")]
    public void Bind_BadValue_NamesKeyValueAndRange(string label, string key, string value, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ActivatorOptions.Bind(Section((key, value))));

        Assert.True(error.Message.Contains(message, StringComparison.Ordinal), $"{label}: {error.Message}");
    }

    [Fact]
    public void Bind_SeveralBadValues_ReportsEach()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ActivatorOptions.Bind(Section(("queue-depth", "x"), ("retry-after", "soon"))));

        Assert.Contains("queue-depth = x", error.Message, StringComparison.Ordinal);
        Assert.Contains("retry-after = soon", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OutOfRange_ThrowsNamingTheKey()
    {
        var options = new ActivatorOptions { MaxForwardAttempts = 0 };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("max-retries = -1, must be 0 or more", error.Message, StringComparison.Ordinal);
    }
}
