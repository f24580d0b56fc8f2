using Microsoft.Extensions.Configuration;
using Serverless.Eventing;

namespace Serverless.Platform.Eventing;

/// <summary>
/// The <c>"broker"</c> section of the optional <c>{home}/config.json</c> (kebab-case keys, see
/// <c>eventing/Configuration/broker.sample.json</c>). A missing file or section means every default.
/// </summary>
internal static class EventingConfiguration
{
    public const string Section = "broker";

    public static BrokerOptions Load(string home, out IReadOnlyList<string> errors)
    {
        var path = Path.Combine(home, "config.json");
        try
        {
            var configuration = new ConfigurationBuilder().AddJsonFile(path, optional: true, reloadOnChange: false).Build();
            errors = [];
            return BrokerOptions.Bind(configuration.GetSection(Section));
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidDataException)
        {
            errors = [$"{path}: {e.Message}"];
            return new BrokerOptions();
        }
    }
}
