using Microsoft.Extensions.Configuration;
using Serverless.Autoscaler.Configuration;

namespace Serverless.Platform;

/// <summary>
/// Optional <c>{home}/config.json</c> with component sections, Knative key names inside:
/// <c>{"autoscaler": {"stable-window": "60s", "scale-to-zero-grace-period": "30s", …}}</c>.
/// A missing file means every default.
/// </summary>
internal static class PlatformConfiguration
{
    public static AutoscalerOptions LoadAutoscaler(string home, out IReadOnlyList<string> errors)
    {
        var path = Path.Combine(home, "config.json");
        try
        {
            var configuration = new ConfigurationBuilder().AddJsonFile(path, optional: true, reloadOnChange: false).Build();
            var options = AutoscalerOptions.Bind(configuration.GetSection("autoscaler"));
            errors = [];
            return options;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidDataException)
        {
            errors = [$"{path}: {e.Message}"];
            return new AutoscalerOptions();
        }
    }
}
