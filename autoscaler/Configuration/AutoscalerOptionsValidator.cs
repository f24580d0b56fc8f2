using Microsoft.Extensions.Options;
using Serverless.Core.Configuration;

namespace Serverless.Autoscaler.Configuration;

/// <summary>
/// The allowed ranges of <see cref="AutoscalerOptions"/>, Knative's where Knative has one. Usable from
/// <c>AddOptions&lt;AutoscalerOptions&gt;().ValidateOnStart()</c> as well as directly.
/// </summary>
internal sealed class AutoscalerOptionsValidator : IValidateOptions<AutoscalerOptions>
{
    private static readonly TimeSpan MinStableWindow = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxStableWindow = TimeSpan.FromHours(1);
    private static readonly TimeSpan MinPanicWindow = TimeSpan.FromSeconds(1); // one metric bucket
    private static readonly TimeSpan MinTickInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinScaleToZeroGracePeriod = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan MaxScaleDownDelay = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, AutoscalerOptions options)
    {
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IReadOnlyList<string> Check(AutoscalerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var checks = new OptionChecks();
        var stableWindowInRange = options.StableWindow >= MinStableWindow && options.StableWindow <= MaxStableWindow;
        checks
            .Require(stableWindowInRange, AutoscalerOptions.StableWindowKey, options.StableWindow, $"must be in [{D(MinStableWindow)}; {D(MaxStableWindow)}] range")
            .Require(
                !stableWindowInRange || options.StableWindow.Ticks % TimeSpan.TicksPerSecond == 0,
                AutoscalerOptions.StableWindowKey,
                options.StableWindow,
                "must be specified with at most second precision")
            .Require(
                options.TickInterval >= MinTickInterval && options.TickInterval <= options.StableWindow,
                AutoscalerOptions.TickIntervalKey,
                options.TickInterval,
                $"must be in [{D(MinTickInterval)}; {AutoscalerOptions.StableWindowKey} ({D(options.StableWindow)})] range");

        var panicPercentageInRange = options.PanicWindowPercentage is >= 1 and <= 100;
        checks
            .Require(panicPercentageInRange, AutoscalerOptions.PanicWindowPercentageKey, options.PanicWindowPercentage, "must be in [1, 100] interval")
            .Require(
                !panicPercentageInRange || options.PanicWindow >= MinPanicWindow,
                AutoscalerOptions.PanicWindowPercentageKey,
                options.PanicWindowPercentage,
                $"gives a panic window of {D(options.PanicWindow)}, must give at least {D(MinPanicWindow)}")
            .Require(options.PanicThresholdPercentage is >= 110 and <= 1000, AutoscalerOptions.PanicThresholdPercentageKey, options.PanicThresholdPercentage, "must be in [110, 1000] interval")
            .Require(options.MaxScaleUpRate > 1, AutoscalerOptions.MaxScaleUpRateKey, options.MaxScaleUpRate, "must be greater than 1.0")
            .Require(options.MaxScaleDownRate > 1, AutoscalerOptions.MaxScaleDownRateKey, options.MaxScaleDownRate, "must be greater than 1.0")
            .Require(options.ContainerConcurrencyTargetDefault >= 1, AutoscalerOptions.ContainerConcurrencyTargetDefaultKey, options.ContainerConcurrencyTargetDefault, "must be at least 1")
            .Require(options.TargetUtilizationPercentage is >= 1 and <= 100, AutoscalerOptions.TargetUtilizationPercentageKey, options.TargetUtilizationPercentage, "must be in [1, 100] interval")
            .Require(options.RequestsPerSecondTargetDefault >= 1, AutoscalerOptions.RequestsPerSecondTargetDefaultKey, options.RequestsPerSecondTargetDefault, "must be at least 1")
            .Require(options.ScaleToZeroGracePeriod >= MinScaleToZeroGracePeriod, AutoscalerOptions.ScaleToZeroGracePeriodKey, options.ScaleToZeroGracePeriod, $"must be at least {D(MinScaleToZeroGracePeriod)}")
            .Require(options.MaxScaleLimit >= 0, AutoscalerOptions.MaxScaleLimitKey, options.MaxScaleLimit, "must be at least 0")
            .Require(
                options.ScaleDownDelay >= TimeSpan.Zero && options.ScaleDownDelay <= MaxScaleDownDelay,
                AutoscalerOptions.ScaleDownDelayKey,
                options.ScaleDownDelay,
                $"must be in [0s; {D(MaxScaleDownDelay)}] range")
            .Require(
                options.ScaleDownDelay.Ticks % TimeSpan.TicksPerSecond == 0,
                AutoscalerOptions.ScaleDownDelayKey,
                options.ScaleDownDelay,
                "must be specified with at most second precision")
            .Require(
                options.TargetBurstCapacity >= 0 || options.TargetBurstCapacity == -1,
                AutoscalerOptions.TargetBurstCapacityKey,
                options.TargetBurstCapacity,
                "must be -1 or at least 0")
            .Require(options.HpaSyncPeriod >= MinTickInterval, AutoscalerOptions.HpaSyncPeriodKey, options.HpaSyncPeriod, $"must be at least {D(MinTickInterval)}")
            .Require(
                options.HpaDownscaleStabilization >= TimeSpan.Zero,
                AutoscalerOptions.HpaDownscaleStabilizationKey,
                options.HpaDownscaleStabilization,
                "must be at least 0s");
        return checks.Problems;
    }

    private static string D(TimeSpan value) => DurationText.Format(value);
}
