using Microsoft.Extensions.Configuration;
using Serverless.Activator.Configuration;
using Serverless.Autoscaler.Configuration;
using Serverless.Eventing;
using Serverless.Platform.Composition;

namespace Serverless.Platform;

/// <summary>
/// Optional <c>{directory}/config.json</c> with component sections, Knative-style key names inside:
/// <c>{"autoscaler": {"stable-window": "60s", …}, "activator": {"queue-depth": "1000", …}, "broker": {…}}</c>.
/// A missing file or section means every default. Every section is read, and every bad value of every section is
/// reported at once (<see cref="ConfigurationException"/>), rather than one per start.
/// </summary>
internal static class PlatformConfiguration
{
    public const string FileName = "config.json";

    /// <exception cref="ConfigurationException">The file is not valid JSON, or a value is unreadable or out of range.</exception>
    public static ComponentConfiguration Load(string directory)
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
        var result = new ComponentConfiguration(
            Section(configuration, path, "autoscaler", AutoscalerOptions.Bind, problems),
            Section(configuration, path, "activator", ActivatorOptions.Bind, problems),
            Section(configuration, path, "broker", BrokerOptions.Bind, problems))
        {
            ActivatorDomainGiven = configuration.GetSection("activator")[ActivatorOptions.DomainKey] is not null,
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
}
