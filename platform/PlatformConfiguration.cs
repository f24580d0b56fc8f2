using Microsoft.Extensions.Configuration;
using Serverless.Activator.Configuration;
using Serverless.Autoscaler.Configuration;
using Serverless.Backends.Local.Processes;
using Serverless.Eventing;
using Serverless.Platform.Composition;

namespace Serverless.Platform;

/// <summary>
/// Optional <c>{directory}/config.json</c> with component sections, Knative-style key names inside:
/// <c>{"autoscaler": {"stable-window": "60s", …}, "activator": {"queue-depth": "1000", …}, "broker": {…},
/// "local": {"sandbox": true, "max-instances": 100, …}, "gc": {"min-non-active-revisions": 20, …}, "network": {"rollout-duration": "0s"}}</c> (<c>local</c> in local mode only).
/// A missing file or section means every default. Every section is read, and every bad value of every section is
/// reported at once (<see cref="ConfigurationException"/>), rather than one per start.
/// </summary>
internal static class PlatformConfiguration
{
    public const string FileName = "config.json";

    /// <summary>
    /// A RabbitMQ URL for the broker (<c>func up --broker-url</c> sets it): <c>broker.rabbitmq-url</c> with
    /// <c>broker.default-class</c> rabbitmq, over config.json. An environment variable, not an argument: it may hold a password.
    /// </summary>
    public const string BrokerUrlVariable = "SERVERLESS_BROKER_URL";

    /// <summary>
    /// max-scale-limit in local mode when config.json sets none. Knative's default is 0, no limit, for a cluster that
    /// grows; one machine does not: a runaway minScale or a burst answered at Knative's scale-up rate (1000×) would
    /// start hundreds of processes. 50 instances of one function is more than one machine serves well, and leaves
    /// room under max-instances (100) for a second busy function.
    /// </summary>
    public const int LocalMaxScaleLimit = 50;

    /// <param name="directory">Where config.json is.</param>
    /// <param name="localMode">
    /// The embedded local platform: the <c>local</c> section (the process backend's sandbox and bounds) is read, and
    /// max-scale-limit defaults to <see cref="LocalMaxScaleLimit"/>. Kubernetes mode keeps Knative's defaults.
    /// </param>
    /// <exception cref="ConfigurationException">The file is not valid JSON, or a value is unreadable or out of range.</exception>
    public static ComponentConfiguration Load(string directory, bool localMode = false)
    {
        var path = Path.Combine(directory, FileName);
        IConfiguration configuration;
        try
        {
            configuration = new ConfigurationBuilder().AddJsonFile(path, optional: true, reloadOnChange: false).Build();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidDataException)
        {
            throw new ConfigurationException([$"{path}: {e.Message}"]);
        }

        var problems = new List<string>();
        var autoscaler = Section(configuration, path, "autoscaler", AutoscalerOptions.Bind, problems);
        if (localMode && configuration.GetSection("autoscaler")[AutoscalerOptions.MaxScaleLimitKey] is null)
        {
            autoscaler.MaxScaleLimit = LocalMaxScaleLimit;
        }

        var broker = Section(configuration, path, "broker", BrokerOptions.Bind, problems);
        if (localMode)
        {
            // On Kubernetes the broker role's options read the Secret's variable (KubernetesOptions.BrokerUrl), once.
            ApplyBrokerUrl(broker, Environment.GetEnvironmentVariable(BrokerUrlVariable), problems);
        }

        var result = new ComponentConfiguration(
            autoscaler,
            Section(configuration, path, "activator", ActivatorOptions.Bind, problems),
            broker,
            localMode ? Section(configuration, path, "local", LocalBackendOptions.Bind, problems) : new LocalBackendOptions())
        {
            ActivatorDomainGiven = configuration.GetSection("activator")[ActivatorOptions.DomainKey] is not null,
            Gc = Section(configuration, path, "gc", Serverless.Controller.Reconcilers.Function.Revisions.RevisionRetention.Bind, problems),
            Network = Section(configuration, path, "network", Serverless.Controller.Reconcilers.Function.Revisions.RolloutSettings.Bind, problems),
        };
        ConfigurationException.ThrowIfAny(problems);
        return result;
    }

    private static T Section<T>(IConfiguration configuration, string path, string section, Func<IConfiguration, T> bind, List<string> problems)
        where T : new()
    {
        try
        {
            return bind(configuration.GetSection(section));
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidDataException)
        {
            problems.Add($"{path}: {e.Message}");
            return new T();
        }
    }

    /// <summary>Applies <see cref="BrokerUrlVariable"/> when set; a bad value is a problem that shows its scheme at most.</summary>
    internal static void ApplyBrokerUrl(BrokerOptions broker, string? url, List<string> problems)
    {
        if (string.IsNullOrEmpty(url))
        {
            return;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("amqp" or "amqps"))
        {
            problems.Add($"{BrokerUrlVariable}: must be an amqp:// or amqps:// URL");
            return;
        }

        broker.RabbitMqUrl = parsed;
        broker.DefaultClass = BrokerOptions.RabbitMqClass;
    }
}
