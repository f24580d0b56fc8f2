namespace Serverless.Hosting;

/// <summary>
/// The event ids of every log message of this assembly, one table so that none is used twice
/// (tests/Serverless.Platform.Tests checks every assembly's table against its <c>[LoggerMessage]</c> methods).
/// Ranges: 100–199 informers, 200–299 loops.
/// </summary>
internal static class HostingEventIds
{
    public const int WatchExpired = 100;
    public const int WatchFailed = 101;
    public const int SubscriberFailed = 102;
    public const int WatchStillFailing = 103;
    public const int WatchRecovered = 104;

    public const int LoopsStarted = 200;
    public const int LoopEnded = 201;
    public const int LoopFailed = 202;
    public const int LoopFailedWhileStopping = 203;
    public const int LoopStopTimedOut = 204;
}
