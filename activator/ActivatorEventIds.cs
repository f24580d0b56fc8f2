namespace Serverless.Activator;

/// <summary>
/// The event ids of every log message of this assembly, one table so that none is used twice
/// (tests check every assembly's table against its <c>[LoggerMessage]</c> methods).
/// Ranges: 300–309 forwarding, 310–319 reporting, 320–329 the statistics link.
/// </summary>
internal static class ActivatorEventIds
{
    public const int ForwardFailed = 300;
    public const int Retrying = 301;
    public const int NotForwarded = 302;
    public const int ColdStartFailed = 303;

    public const int ReportFailed = 310;

    public const int PostFailed = 320;
    public const int Recovered = 321;
    public const int Replaying = 322;
    public const int PassFailed = 323;
}
