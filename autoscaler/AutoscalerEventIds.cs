namespace Serverless.Autoscaler;

/// <summary>
/// The event ids of every log message of this assembly, one table so that none is used twice
/// (tests check every assembly's table against its <c>[LoggerMessage]</c> methods).
/// Ranges: 400–499 scaling.
/// </summary>
internal static class AutoscalerEventIds
{
    public const int Activating = 400;
    public const int Rescaled = 401;
    public const int ScaleFailed = 402;
    public const int Decision = 403;
    public const int HpaDecision = 404;
    public const int ActivationAwaitsWorkload = 405;
    public const int ScaleTargetMissing = 406;
}
