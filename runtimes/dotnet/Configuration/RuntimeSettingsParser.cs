using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;

namespace Serverless.Runtime.Dotnet.Configuration;

/// <summary>Reads <see cref="RuntimeSettings"/> from the environment; every error names key, value and allowed range.</summary>
internal static class RuntimeSettingsParser
{
    private const int MaxTimeoutSeconds = 24 * 60 * 60;

    public static bool TryParse(
        Func<string, string?> environment,
        [NotNullWhen(true)] out RuntimeSettings? settings,
        out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();

        var port = ParseInt(environment, EnvironmentVariables.Port, required: true, defaultValue: 0, min: 1, max: 65535, problems);
        var platformPort = ParseInt(environment, EnvironmentVariables.PlatformPort, required: false, defaultValue: 0, min: 1, max: 65535, problems);
        if (platformPort != 0 && platformPort == port)
        {
            problems.Add($"{EnvironmentVariables.PlatformPort} = {DisplayText.Quote(environment(EnvironmentVariables.PlatformPort) ?? "")}, must differ from {EnvironmentVariables.Port}");
        }

        var address = ParseAddress(environment, problems);
        var functionPath = Required(environment, EnvironmentVariables.FunctionPath, "the directory holding the function's build output", problems);
        var handler = Required(environment, EnvironmentVariables.Handler, "Assembly::Namespace.Type::Method", problems);
        var concurrency = ParseInt(environment, EnvironmentVariables.ContainerConcurrency, required: false, defaultValue: 0, min: 0, max: int.MaxValue, problems);
        var timeout = ParseInt(environment, EnvironmentVariables.FunctionTimeout, required: false, RuntimeSettings.DefaultTimeoutSeconds, min: 1, max: MaxTimeoutSeconds, problems);
        var maxBody = ParseLong(environment, EnvironmentVariables.MaxRequestBodyBytes, RuntimeSettings.DefaultMaxRequestBodyBytes, min: 1, problems);
        var logLevel = ParseLogLevel(environment, problems);

        errors = problems;
        if (problems.Count > 0)
        {
            settings = null;
            return false;
        }

        settings = new RuntimeSettings(
            port,
            address!,
            Path.GetFullPath(functionPath!),
            handler!,
            concurrency,
            TimeSpan.FromSeconds(timeout),
            maxBody,
            logLevel)
        {
            Debug = environment(EnvironmentVariables.FunctionDebug)?.Trim().ToLowerInvariant() is "true" or "1",
            PlatformPort = platformPort == 0 ? null : platformPort,
            MetricLabels = MetricLabels(environment),
        };
        return true;
    }

    /// <summary>The identity labels whose variable is set and not blank; the others are left out rather than empty.</summary>
    private static Dictionary<string, string> MetricLabels(Func<string, string?> environment)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (label, key) in new[] { ("namespace", EnvironmentVariables.Namespace), ("function", EnvironmentVariables.Service), ("revision", EnvironmentVariables.Revision) })
        {
            if (environment(key) is { } value && !string.IsNullOrWhiteSpace(value))
            {
                labels[label] = value;
            }
        }

        return labels;
    }

    private static string? Required(Func<string, string?> environment, string key, string meaning, List<string> problems)
    {
        var value = environment(key);
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{key} is required ({meaning})");
            return null;
        }

        return value;
    }

    private static int ParseInt(Func<string, string?> environment, string key, bool required, int defaultValue, int min, int max, List<string> problems)
    {
        var value = environment(key);
        if (string.IsNullOrEmpty(value))
        {
            if (required)
            {
                problems.Add($"{key} is required (an integer in {min}..{max})");
            }

            return defaultValue;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < min || parsed > max)
        {
            problems.Add($"{key} = {DisplayText.Quote(value)}, must be an integer in {min}..{max}");
            return defaultValue;
        }

        return parsed;
    }

    private static long ParseLong(Func<string, string?> environment, string key, long defaultValue, long min, List<string> problems)
    {
        var value = environment(key);
        if (string.IsNullOrEmpty(value))
        {
            return defaultValue;
        }

        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed < min)
        {
            problems.Add($"{key} = {DisplayText.Quote(value)}, must be an integer in {min}..{long.MaxValue}");
            return defaultValue;
        }

        return parsed;
    }

    private static IPAddress? ParseAddress(Func<string, string?> environment, List<string> problems)
    {
        var value = environment(EnvironmentVariables.Host);
        if (string.IsNullOrEmpty(value))
        {
            return IPAddress.Parse(RuntimeSettings.DefaultHost);
        }

        if (string.Equals(value, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        // IPAddress.TryParse accepts shorthands such as "1" (0.0.0.1); insist on the written forms people mean.
        if (IPAddress.TryParse(value, out var address) && (value.Contains(':', StringComparison.Ordinal) || value.Count(c => c == '.') == 3))
        {
            return address;
        }

        problems.Add($"{EnvironmentVariables.Host} = {DisplayText.Quote(value)}, must be an IP address (such as 127.0.0.1, 0.0.0.0 or ::) or localhost");
        return null;
    }

    private static LogLevel ParseLogLevel(Func<string, string?> environment, List<string> problems)
    {
        var value = environment(EnvironmentVariables.LogLevel);
        if (string.IsNullOrEmpty(value))
        {
            return RuntimeSettings.DefaultLogLevel;
        }

        switch (value.ToUpperInvariant())
        {
            case "TRACE": return LogLevel.Trace;
            case "DEBUG": return LogLevel.Debug;
            case "INFO" or "INFORMATION": return LogLevel.Information;
            case "WARN" or "WARNING": return LogLevel.Warning;
            case "ERROR": return LogLevel.Error;
            case "CRITICAL": return LogLevel.Critical;
            case "NONE": return LogLevel.None;
            default:
                problems.Add($"{EnvironmentVariables.LogLevel} = {DisplayText.Quote(value)}, must be one of trace, debug, information, warning, error, critical, none");
                return RuntimeSettings.DefaultLogLevel;
        }
    }
}
