using Microsoft.Extensions.Logging;

namespace Serverless.Platform;

/// <summary>One console log format for every mode: single lines, UTC timestamps, framework chatter at Warning.</summary>
/// <remarks>
/// ASP.NET Core's hosting category is off: ASP.NET Core starts an <see cref="System.Diagnostics.Activity"/> and a log
/// scope for every request whenever that category is enabled at any level, even with tracing off, and that cost sits on
/// every ingress request (1-2 % of the platform's CPU samples in profiles of the broker's ingress, issue #15). It logs
/// requests at Information (already filtered out here) and server startup failures, which also surface as the
/// exception that ends the platform. With tracing on, the OpenTelemetry SDK listens to our own sources, which start
/// their spans from the request's traceparent themselves.
/// </remarks>
internal static class PlatformLogging
{
    /// <summary>ASP.NET Core's per-request hosting category.</summary>
    public const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static ILoggerFactory CreateLoggerFactory() => LoggerFactory.Create(logging => logging
        .AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            console.UseUtcTimestamp = true;
        })
        .SetMinimumLevel(LogLevel.Information)
        .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
        .AddFilter(HostingDiagnosticsCategory, LogLevel.None)
        .AddFilter("Microsoft.Hosting", LogLevel.Warning)
        .AddFilter("Yarp", LogLevel.Warning)); // YARP logs every forwarded request at Information
}
