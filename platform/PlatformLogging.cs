using Microsoft.Extensions.Logging;

namespace Serverless.Platform;

/// <summary>One console log format for every mode: single lines, UTC timestamps, framework chatter at Warning.</summary>
internal static class PlatformLogging
{
    public static ILoggerFactory CreateLoggerFactory() => LoggerFactory.Create(logging => logging
        .AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            console.UseUtcTimestamp = true;
        })
        .SetMinimumLevel(LogLevel.Information)
        .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
        .AddFilter("Microsoft.Hosting", LogLevel.Warning)
        .AddFilter("Yarp", LogLevel.Warning)); // YARP logs every forwarded request at Information
}
