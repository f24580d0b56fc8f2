using System.Net;
using Microsoft.Extensions.Logging;

namespace Serverless.Runtime.Dotnet.Configuration;

/// <summary>
/// The validated environment. <see cref="Handler"/> and <see cref="FunctionPath"/> stay raw: they are
/// checked while loading, where a failure is the function's fault (exit code 3) rather than the platform's.
/// </summary>
internal sealed record RuntimeSettings(
    int Port,
    IPAddress ListenAddress,
    string FunctionPath,
    string Handler,
    int ContainerConcurrency,
    TimeSpan FunctionTimeout,
    long MaxRequestBodyBytes,
    LogLevel LogLevel)
{
    public const string DefaultHost = "127.0.0.1";
    public const int DefaultTimeoutSeconds = 300;
    public const long DefaultMaxRequestBodyBytes = 32L * 1024 * 1024;
    public const LogLevel DefaultLogLevel = Microsoft.Extensions.Logging.LogLevel.Warning;

    /// <summary>FUNCTION_DEBUG: a handler's exception text goes back to the caller (off by default).</summary>
    public bool Debug { get; init; }

    /// <summary>PLATFORM_PORT: where probes and metrics are served; null serves none.</summary>
    public int? PlatformPort { get; init; }

    /// <summary>The labels every metric carries (namespace, function, revision), from the platform's variables that are set.</summary>
    public IReadOnlyDictionary<string, string> MetricLabels { get; init; } = new Dictionary<string, string>();
}
