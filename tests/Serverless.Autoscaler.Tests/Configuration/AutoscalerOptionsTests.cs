using Microsoft.Extensions.Configuration;
using Serverless.Autoscaler.Configuration;
using Serverless.Core.Defaulting;
using Serverless.TestSupport;

namespace Serverless.Autoscaler.Tests.Configuration;

public sealed class AutoscalerOptionsTests
{
    private static IConfiguration Section(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("autoscaler:" + v.Key, v.Value)))
            .Build()
            .GetSection("autoscaler");

    [Fact]
    public void Defaults_AreKnatives()
    {
        var options = new AutoscalerOptions();

        Assert.Equal(TimeSpan.FromSeconds(2), options.TickInterval);
        Assert.Equal(TimeSpan.FromSeconds(60), options.StableWindow);
        Assert.Equal(TimeSpan.FromSeconds(6), options.PanicWindow);
        Assert.Equal(2.0, options.PanicThreshold);
        Assert.Equal(1000, options.MaxScaleUpRate);
        Assert.Equal(2, options.MaxScaleDownRate);
        Assert.Equal(100, options.ContainerConcurrencyTargetDefault);
        Assert.Equal(70, options.TargetUtilizationPercentage);
        Assert.Equal(200, options.RequestsPerSecondTargetDefault);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ScaleToZeroGracePeriod);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Bind_SampleFile_EqualsDefaults()
    {
        var path = Path.Combine(RepoPaths.Root, "autoscaler", "Configuration", "autoscaler.sample.json");
        var configuration = new ConfigurationBuilder().AddJsonFile(path, optional: false).Build();

        var options = AutoscalerOptions.Bind(configuration.GetSection("autoscaler"));

        Assert.Equivalent(new AutoscalerOptions(), options, strict: true);
        Assert.Equal(15, configuration.GetSection("autoscaler").GetChildren().Count()); // every key is in the sample
    }

    [Fact]
    public void Bind_EmptySection_EqualsDefaults()
    {
        Assert.Equivalent(new AutoscalerOptions(), AutoscalerOptions.Bind(Section()), strict: true);
    }

    [Fact]
    public void ToScaleDefaults_MaxScaleLimit_PassedOn()
    {
        Assert.Equal(0, new AutoscalerOptions().ToScaleDefaults(ScaleMetricNames.Concurrency).MaxScaleLimit); // Knative's: no limit
        Assert.Equal(20, new AutoscalerOptions { MaxScaleLimit = 20 }.ToScaleDefaults(ScaleMetricNames.Concurrency).MaxScaleLimit);
    }

    [Theory]
    [InlineData("stable-window in Go minutes", "stable-window", "2m", nameof(AutoscalerOptions.StableWindow), "00:02:00")]
    [InlineData("stable-window as TimeSpan text", "stable-window", "00:01:30", nameof(AutoscalerOptions.StableWindow), "00:01:30")]
    [InlineData("grace in Go compound form", "scale-to-zero-grace-period", "1m30s", nameof(AutoscalerOptions.ScaleToZeroGracePeriod), "00:01:30")]
    [InlineData("tick in seconds", "tick-interval", "5s", nameof(AutoscalerOptions.TickInterval), "00:00:05")]
    [InlineData("panic window percentage", "panic-window-percentage", "20", nameof(AutoscalerOptions.PanicWindowPercentage), "20")]
    [InlineData("panic threshold percentage", "panic-threshold-percentage", "150.5", nameof(AutoscalerOptions.PanicThresholdPercentage), "150.5")]
    [InlineData("scale-up rate", "max-scale-up-rate", "10", nameof(AutoscalerOptions.MaxScaleUpRate), "10")]
    [InlineData("scale-down rate", "max-scale-down-rate", "4", nameof(AutoscalerOptions.MaxScaleDownRate), "4")]
    [InlineData("concurrency target", "container-concurrency-target-default", "50", nameof(AutoscalerOptions.ContainerConcurrencyTargetDefault), "50")]
    [InlineData("utilization", "target-utilization-percentage", "85", nameof(AutoscalerOptions.TargetUtilizationPercentage), "85")]
    [InlineData("rps target", "requests-per-second-target-default", "300", nameof(AutoscalerOptions.RequestsPerSecondTargetDefault), "300")]
    [InlineData("max scale limit", "max-scale-limit", "20", nameof(AutoscalerOptions.MaxScaleLimit), "20")]
    [InlineData("scale-down delay", "scale-down-delay", "15m", nameof(AutoscalerOptions.ScaleDownDelay), "00:15:00")]
    [InlineData("target burst capacity", "target-burst-capacity", "50", nameof(AutoscalerOptions.TargetBurstCapacity), "50")]
    [InlineData("target burst capacity unlimited", "target-burst-capacity", "-1", nameof(AutoscalerOptions.TargetBurstCapacity), "-1")]
    [InlineData("hpa sync period", "horizontal-pod-autoscaler-sync-period", "30s", nameof(AutoscalerOptions.HpaSyncPeriod), "00:00:30")]
    [InlineData("hpa downscale stabilization", "horizontal-pod-autoscaler-downscale-stabilization", "1m", nameof(AutoscalerOptions.HpaDownscaleStabilization), "00:01:00")]
    public void Bind_Key_SetsProperty(string label, string key, string value, string property, string expected)
    {
        var options = AutoscalerOptions.Bind(Section((key, value)));

        var actual = typeof(AutoscalerOptions).GetProperty(property)!.GetValue(options);
        Assert.True(expected == Convert.ToString(actual, System.Globalization.CultureInfo.InvariantCulture), $"{label}: {actual}");
    }

    [Theory]
    [InlineData("Knative's own example", "max-scale-up-rate", "0.5", "max-scale-up-rate = 0.5, must be greater than 1.0")]
    [InlineData("scale-down rate of exactly 1", "max-scale-down-rate", "1", "max-scale-down-rate = 1, must be greater than 1.0")]
    [InlineData("stable window too short", "stable-window", "4s", "stable-window = 4s, must be in [5s; 1h] range")]
    [InlineData("stable window too long", "stable-window", "2h", "stable-window = 2h, must be in [5s; 1h] range")]
    [InlineData("stable window below a second", "stable-window", "60500ms", "stable-window = 1m0.5s, must be specified with at most second precision")]
    [InlineData("panic window percentage too high", "panic-window-percentage", "101", "panic-window-percentage = 101, must be in [1, 100] interval")]
    [InlineData("panic window under one bucket", "panic-window-percentage", "1", "panic-window-percentage = 1, gives a panic window of 600ms, must give at least 1s")]
    [InlineData("panic threshold too low", "panic-threshold-percentage", "100", "panic-threshold-percentage = 100, must be in [110, 1000] interval")]
    [InlineData("utilization zero", "target-utilization-percentage", "0", "target-utilization-percentage = 0, must be in [1, 100] interval")]
    [InlineData("concurrency target zero", "container-concurrency-target-default", "0", "container-concurrency-target-default = 0, must be at least 1")]
    [InlineData("rps target negative", "requests-per-second-target-default", "-5", "requests-per-second-target-default = -5, must be at least 1")]
    [InlineData("grace too short", "scale-to-zero-grace-period", "5s", "scale-to-zero-grace-period = 5s, must be at least 6s")]
    [InlineData("tick longer than the stable window", "tick-interval", "2m", "tick-interval = 2m, must be in [1s; stable-window (1m)] range")]
    [InlineData("duration without unit", "stable-window", "60", "stable-window = 60, must be a duration such as 60s, 2m or 00:01:00")]
    [InlineData("number that is not one", "max-scale-up-rate", "fast", "max-scale-up-rate = fast, must be a number")]
    [InlineData("fraction where a whole number is needed", "container-concurrency-target-default", "2.5", "container-concurrency-target-default = 2.5, must be a whole number")]
    [InlineData("negative max scale limit", "max-scale-limit", "-1", "max-scale-limit = -1, must be at least 0")]
    [InlineData("scale-down delay over an hour", "scale-down-delay", "61m", "scale-down-delay = 1h1m, must be in [0s; 1h] range")]
    [InlineData("scale-down delay below a second", "scale-down-delay", "1500ms", "scale-down-delay = 1.5s, must be specified with at most second precision")]
    [InlineData("target burst capacity below -1", "target-burst-capacity", "-2", "target-burst-capacity = -2, must be -1 or at least 0")]
    [InlineData("target burst capacity between -1 and 0", "target-burst-capacity", "-0.5", "target-burst-capacity = -0.5, must be -1 or at least 0")]
    [InlineData("hpa sync period under a second", "horizontal-pod-autoscaler-sync-period", "500ms", "horizontal-pod-autoscaler-sync-period = 500ms, must be at least 1s")]
    [InlineData("negative hpa stabilization", "horizontal-pod-autoscaler-downscale-stabilization", "-1s", "horizontal-pod-autoscaler-downscale-stabilization = -1s, must be at least 0s")]
    public void Bind_InvalidValue_ThrowsNamingKeyValueAndRange(string label, string key, string value, string expected)
    {
        var e = Assert.Throws<InvalidOperationException>(() => AutoscalerOptions.Bind(Section((key, value))));

        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), $"{label}: {e.Message}");
    }

    [Fact]
    public void Validate_SeveralInvalidValues_ListsEach()
    {
        var options = new AutoscalerOptions { MaxScaleUpRate = 0.5, MaxScaleDownRate = 0.5 };

        Assert.Equal(
            ["max-scale-up-rate = 0.5, must be greater than 1.0", "max-scale-down-rate = 0.5, must be greater than 1.0"],
            options.Validate());
    }

    [Fact]
    public void Validator_AsOptionsValidation_FailsWithTheSameMessages()
    {
        var result = new AutoscalerOptionsValidator().Validate(null, new AutoscalerOptions { MaxScaleUpRate = 0.5 });

        Assert.True(result.Failed);
        Assert.Equal(["max-scale-up-rate = 0.5, must be greater than 1.0"], result.Failures);
    }

    [Theory]
    [InlineData("concurrency uses container-concurrency-target-default", ScaleMetricNames.Concurrency, 100)]
    [InlineData("rps uses requests-per-second-target-default", ScaleMetricNames.Rps, 200)]
    public void ToScaleDefaults_Metric_PicksTheMatchingTarget(string label, string metric, int expected)
    {
        var defaults = new AutoscalerOptions().ToScaleDefaults(metric);

        Assert.True(expected == defaults.Target, label);
        Assert.Equal(0.7, defaults.TargetUtilization, precision: 9);
        Assert.Equal(TimeSpan.FromSeconds(30), defaults.ScaleToZeroGracePeriod);
    }

    [Fact]
    public void ToScaleDefaults_DelayAndBurstCapacity_PassedOn()
    {
        var defaults = new AutoscalerOptions { ScaleDownDelay = TimeSpan.FromMinutes(2), TargetBurstCapacity = -1 }.ToScaleDefaults(ScaleMetricNames.Concurrency);

        Assert.Equal(TimeSpan.FromMinutes(2), defaults.ScaleDownDelay);
        Assert.Equal(-1, defaults.TargetBurstCapacity);
        Assert.Equal(200, new AutoscalerOptions().ToScaleDefaults(ScaleMetricNames.Concurrency).TargetBurstCapacity); // Knative's
    }
}
