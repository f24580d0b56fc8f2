using Microsoft.Extensions.Configuration;
using Serverless.Activator.Configuration;
using Serverless.Autoscaler.Configuration;
using Serverless.Eventing;

namespace Serverless.Platform;

/// <summary>
/// Optional <c>{home}/config.json</c> with component sections, Knative-style key names inside:
/// <c>{"autoscaler": {"stable-window": "60s", …}, "activator": {"queue-depth": "1000", …}, "broker": {…}}</c>.
/// A missing file or section means every default.
/// </summary>
internal static class PlatformConfiguration
{
    public static AutoscalerOptions LoadAutoscaler(string home, out IReadOnlyList<string> errors) =>
        Load(home, "autoscaler", AutoscalerOptions.Bind, out errors);

    public static ActivatorOptions LoadActivator(string home, out IReadOnlyList<string> errors) =>
        Load(home, "activator", ActivatorOptions.Bind, out errors);

    /// <summary>The broker's section; keys in <c>eventing/Configuration/broker.sample.json</c>.</summary>
    public static BrokerOptions LoadBroker(string home, out IReadOnlyList<string> errors) =>
        Load(home, "broker", BrokerOptions.Bind, out errors);

    private static T Load<T>(string home, string section, Func<IConfiguration, T> bind, out IReadOnlyList<string> errors)
        where T : new()
    {
        var path = Path.Combine(home, "config.json");
        try
        {
            var configuration = new ConfigurationBuilder().AddJsonFile(path, optional: true, reloadOnChange: false).Build();
            var options = bind(configuration.GetSection(section));
            errors = [];
            return options;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidDataException)
        {
            errors = [$"{path}: {e.Message}"];
            return new T();
        }
    }
}
