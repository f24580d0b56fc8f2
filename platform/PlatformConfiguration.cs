using Microsoft.Extensions.Configuration;
using Serverless.Activator.Configuration;
using Serverless.Autoscaler.Configuration;
using Serverless.Backends.Local.Processes;
using Serverless.Eventing;

namespace Serverless.Platform;

/// <summary>
/// Optional <c>{home}/config.json</c> with component sections, Knative-style key names inside:
/// <c>{"autoscaler": {"stable-window": "60s", …}, "activator": {"queue-depth": "1000", …}, "broker": {…},
/// "local": {"sandbox": true, "max-instances": 100, …}}</c>. A missing file or section means every default.
/// </summary>
internal static class PlatformConfiguration
{
    /// <summary>
    /// max-scale-limit when config.json sets none. Knative's default is 0, no limit, for a cluster that grows; one
    /// machine does not: a runaway minScale or a burst answered at Knative's scale-up rate (1000×) would start
    /// hundreds of processes. 50 instances of one function is more than one machine serves well, and leaves
    /// room under max-instances (100) for a second busy function.
    /// </summary>
    public const int LocalMaxScaleLimit = 50;

    public static AutoscalerOptions LoadAutoscaler(string home, out IReadOnlyList<string> errors) =>
        Load(
            home,
            "autoscaler",
            section =>
            {
                var options = AutoscalerOptions.Bind(section);
                if (section[AutoscalerOptions.MaxScaleLimitKey] is null)
                {
                    options.MaxScaleLimit = LocalMaxScaleLimit;
                }

                return options;
            },
            out errors);

    /// <summary>The local backend's section (sandbox, max-instances, …); keys in <c>backends/local/local.sample.json</c>.</summary>
    public static LocalBackendOptions LoadLocal(string home, out IReadOnlyList<string> errors) =>
        Load(home, "local", LocalBackendOptions.Bind, out errors);

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
