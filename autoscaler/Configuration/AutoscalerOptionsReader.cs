using Microsoft.Extensions.Configuration;
using Serverless.Core.Configuration;

namespace Serverless.Autoscaler.Configuration;

/// <summary>Turns a configuration section into <see cref="AutoscalerOptions"/> by the Knative key names.</summary>
internal static class AutoscalerOptionsReader
{
    public static AutoscalerOptions Read(IConfiguration section, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(section);
        var values = new ConfigurationValues(section);
        var options = new AutoscalerOptions();

        values.Duration(AutoscalerOptions.TickIntervalKey, v => options.TickInterval = v);
        values.Duration(AutoscalerOptions.StableWindowKey, v => options.StableWindow = v);
        values.Number(AutoscalerOptions.PanicWindowPercentageKey, v => options.PanicWindowPercentage = v);
        values.Number(AutoscalerOptions.PanicThresholdPercentageKey, v => options.PanicThresholdPercentage = v);
        values.Number(AutoscalerOptions.MaxScaleUpRateKey, v => options.MaxScaleUpRate = v);
        values.Number(AutoscalerOptions.MaxScaleDownRateKey, v => options.MaxScaleDownRate = v);
        values.Integer(AutoscalerOptions.ContainerConcurrencyTargetDefaultKey, v => options.ContainerConcurrencyTargetDefault = v);
        values.Number(AutoscalerOptions.TargetUtilizationPercentageKey, v => options.TargetUtilizationPercentage = v);
        values.Integer(AutoscalerOptions.RequestsPerSecondTargetDefaultKey, v => options.RequestsPerSecondTargetDefault = v);
        values.Duration(AutoscalerOptions.ScaleToZeroGracePeriodKey, v => options.ScaleToZeroGracePeriod = v);
        values.Integer(AutoscalerOptions.MaxScaleLimitKey, v => options.MaxScaleLimit = v);
        values.Duration(AutoscalerOptions.ScaleDownDelayKey, v => options.ScaleDownDelay = v);
        values.Number(AutoscalerOptions.TargetBurstCapacityKey, v => options.TargetBurstCapacity = v);
        values.Duration(AutoscalerOptions.HpaSyncPeriodKey, v => options.HpaSyncPeriod = v);
        values.Duration(AutoscalerOptions.HpaDownscaleStabilizationKey, v => options.HpaDownscaleStabilization = v);

        errors = values.Problems;
        return options;
    }
}
