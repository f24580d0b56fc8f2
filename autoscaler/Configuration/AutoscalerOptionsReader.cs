using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Serverless.Autoscaler.Configuration;

/// <summary>
/// Turns a configuration section into <see cref="AutoscalerOptions"/> by the Knative key names; the generic
/// configuration binder would want property names and .NET duration text only.
/// </summary>
internal static class AutoscalerOptionsReader
{
    public static AutoscalerOptions Read(IConfiguration section, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(section);
        var problems = new List<string>();
        var options = new AutoscalerOptions();

        ReadDuration(section, AutoscalerOptions.TickIntervalKey, problems, v => options.TickInterval = v);
        ReadDuration(section, AutoscalerOptions.StableWindowKey, problems, v => options.StableWindow = v);
        ReadNumber(section, AutoscalerOptions.PanicWindowPercentageKey, problems, v => options.PanicWindowPercentage = v);
        ReadNumber(section, AutoscalerOptions.PanicThresholdPercentageKey, problems, v => options.PanicThresholdPercentage = v);
        ReadNumber(section, AutoscalerOptions.MaxScaleUpRateKey, problems, v => options.MaxScaleUpRate = v);
        ReadNumber(section, AutoscalerOptions.MaxScaleDownRateKey, problems, v => options.MaxScaleDownRate = v);
        ReadInteger(section, AutoscalerOptions.ContainerConcurrencyTargetDefaultKey, problems, v => options.ContainerConcurrencyTargetDefault = v);
        ReadNumber(section, AutoscalerOptions.TargetUtilizationPercentageKey, problems, v => options.TargetUtilizationPercentage = v);
        ReadInteger(section, AutoscalerOptions.RequestsPerSecondTargetDefaultKey, problems, v => options.RequestsPerSecondTargetDefault = v);
        ReadDuration(section, AutoscalerOptions.ScaleToZeroGracePeriodKey, problems, v => options.ScaleToZeroGracePeriod = v);

        errors = problems;
        return options;
    }

    private static void ReadDuration(IConfiguration section, string key, List<string> problems, Action<TimeSpan> set)
    {
        if (section[key] is not { } text)
        {
            return;
        }

        if (DurationText.TryParse(text, out var value))
        {
            set(value);
        }
        else
        {
            problems.Add($"{key} = {text}, must be a duration such as 60s, 2m or 00:01:00");
        }
    }

    private static void ReadNumber(IConfiguration section, string key, List<string> problems, Action<double> set)
    {
        if (section[key] is not { } text)
        {
            return;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            set(value);
        }
        else
        {
            problems.Add($"{key} = {text}, must be a number");
        }
    }

    private static void ReadInteger(IConfiguration section, string key, List<string> problems, Action<int> set)
    {
        if (section[key] is not { } text)
        {
            return;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            set(value);
        }
        else
        {
            problems.Add($"{key} = {text}, must be a whole number");
        }
    }
}
