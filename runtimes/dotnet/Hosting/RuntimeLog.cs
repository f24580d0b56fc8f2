using Microsoft.Extensions.Logging;
using Serverless.Runtime.Dotnet.Loading;

namespace Serverless.Runtime.Dotnet.Hosting;

/// <summary>Every log event of the runtime, with its id: one table, so ids stay unique and greppable.</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(1, LogLevel.Error, "Handler {Handler} failed ({Instance})")]
    public static partial void HandlerFailed(ILogger logger, HandlerName handler, string instance, Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "Handler {Handler} exceeded the timeout of {TimeoutSeconds} s; answered 504")]
    public static partial void HandlerTimedOut(ILogger logger, HandlerName handler, double timeoutSeconds);

    [LoggerMessage(3, LogLevel.Warning, "Handler {Handler} ignored cancellation after its timeout and keeps running detached")]
    public static partial void HandlerIgnoredCancellation(ILogger logger, HandlerName handler);

    [LoggerMessage(4, LogLevel.Warning, "Handler {Handler} failed after its timeout had been answered")]
    public static partial void HandlerFailedAfterTimeout(ILogger logger, HandlerName handler, Exception exception);

    [LoggerMessage(5, LogLevel.Debug, "Caller closed the request before handler {Handler} answered")]
    public static partial void CallerAborted(ILogger logger, HandlerName handler);

    [LoggerMessage(6, LogLevel.Debug, "Refused a request: {InFlight} in flight at the concurrency limit of {Limit}")]
    public static partial void ConcurrencyLimitReached(ILogger logger, int inFlight, int limit);

    [LoggerMessage(7, LogLevel.Information, "Refused a request body of {Length} bytes, over the limit of {Limit} bytes")]
    public static partial void RequestBodyTooLarge(ILogger logger, long length, long limit);

    [LoggerMessage(8, LogLevel.Information, "Rejected a bad request with {StatusCode}: {Reason}")]
    public static partial void BadRequest(ILogger logger, int statusCode, string reason);

    [LoggerMessage(9, LogLevel.Information, "Rejected a CloudEvent request with 400: {Reason}")]
    public static partial void InvalidEvent(ILogger logger, string reason);

    [LoggerMessage(10, LogLevel.Information, "Draining: readiness is now 503, waiting for {InFlight} request(s) in flight")]
    public static partial void DrainStarted(ILogger logger, int inFlight);

    [LoggerMessage(11, LogLevel.Information, "Drained: no request in flight")]
    public static partial void DrainCompleted(ILogger logger);

    [LoggerMessage(12, LogLevel.Warning, "Shutdown deadline reached with {InFlight} request(s) still in flight")]
    public static partial void DrainDeadlineReached(ILogger logger, int inFlight);
}
