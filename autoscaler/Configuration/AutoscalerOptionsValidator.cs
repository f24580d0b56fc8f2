using System.Globalization;
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

    public ValidateOptionsResult Validate(string? name, AutoscalerOptions options)
    {
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IReadOnlyList<string> Check(AutoscalerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();

        if (options.StableWindow < MinStableWindow || options.StableWindow > MaxStableWindow)
        {
            errors.Add($"{AutoscalerOptions.StableWindowKey} = {D(options.StableWindow)}, must be in [{D(MinStableWindow)}; {D(MaxStableWindow)}] range");
        }
        else if (options.StableWindow.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            errors.Add($"{AutoscalerOptions.StableWindowKey} = {D(options.StableWindow)}, must be specified with at most second precision");
        }

        if (options.TickInterval < MinTickInterval || options.TickInterval > options.StableWindow)
        {
            errors.Add($"{AutoscalerOptions.TickIntervalKey} = {D(options.TickInterval)}, must be in [{D(MinTickInterval)}; {AutoscalerOptions.StableWindowKey} ({D(options.StableWindow)})] range");
        }

        if (options.PanicWindowPercentage is < 1 or > 100)
        {
            errors.Add($"{AutoscalerOptions.PanicWindowPercentageKey} = {N(options.PanicWindowPercentage)}, must be in [1, 100] interval");
        }
        else if (options.PanicWindow < MinPanicWindow)
        {
            errors.Add($"{AutoscalerOptions.PanicWindowPercentageKey} = {N(options.PanicWindowPercentage)}, gives a panic window of {D(options.PanicWindow)}, must give at least {D(MinPanicWindow)}");
        }

        if (options.PanicThresholdPercentage is < 110 or > 1000)
        {
            errors.Add($"{AutoscalerOptions.PanicThresholdPercentageKey} = {N(options.PanicThresholdPercentage)}, must be in [110, 1000] interval");
        }

        if (!(options.MaxScaleUpRate > 1))
        {
            errors.Add($"{AutoscalerOptions.MaxScaleUpRateKey} = {N(options.MaxScaleUpRate)}, must be greater than 1.0");
        }

        if (!(options.MaxScaleDownRate > 1))
        {
            errors.Add($"{AutoscalerOptions.MaxScaleDownRateKey} = {N(options.MaxScaleDownRate)}, must be greater than 1.0");
        }

        if (options.ContainerConcurrencyTargetDefault < 1)
        {
            errors.Add($"{AutoscalerOptions.ContainerConcurrencyTargetDefaultKey} = {options.ContainerConcurrencyTargetDefault}, must be at least 1");
        }

        if (options.TargetUtilizationPercentage is < 1 or > 100)
        {
            errors.Add($"{AutoscalerOptions.TargetUtilizationPercentageKey} = {N(options.TargetUtilizationPercentage)}, must be in [1, 100] interval");
        }

        if (options.RequestsPerSecondTargetDefault < 1)
        {
            errors.Add($"{AutoscalerOptions.RequestsPerSecondTargetDefaultKey} = {options.RequestsPerSecondTargetDefault}, must be at least 1");
        }

        if (options.ScaleToZeroGracePeriod < MinScaleToZeroGracePeriod)
        {
            errors.Add($"{AutoscalerOptions.ScaleToZeroGracePeriodKey} = {D(options.ScaleToZeroGracePeriod)}, must be at least {D(MinScaleToZeroGracePeriod)}");
        }

        if (options.MaxScaleLimit < 0)
        {
            errors.Add($"{AutoscalerOptions.MaxScaleLimitKey} = {options.MaxScaleLimit}, must be at least 0");
        }

        return errors;
    }

    private static string D(TimeSpan value) => DurationText.Format(value);

    private static string N(double value) => value.ToString(CultureInfo.InvariantCulture);
}
