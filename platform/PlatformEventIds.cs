namespace Serverless.Platform;

/// <summary>
/// The event ids of every log message of this assembly, one table so that none is used twice
/// (tests/Serverless.Platform.Tests checks every assembly's table against its <c>[LoggerMessage]</c> methods).
/// Ranges: 1–19 the local platform, 20–39 Kubernetes roles, 40–59 the local state directory and admin credential.
/// </summary>
internal static class PlatformEventIds
{
    public const int Ready = 1;
    public const int Stopping = 2;
    public const int StoppingAfterLoopFailure = 3;
    public const int PlatformLogRotated = 4;
    public const int PlatformLogRotationFailed = 5;

    public const int Listening = 20;
    public const int Leading = 30;
    public const int StoppedLeading = 31;

    public const int AdminTokenGenerated = 40;
    public const int AdminTokenFromEnvironment = 41;
    public const int AdminTokenFileTightened = 42;
    public const int StateDirectoryTightened = 43;
    public const int ArtifactsRegrouped = 44;
    public const int AdminCaGenerated = 45;
    public const int AdminServingCertificateIssued = 46;
    public const int AdminPlainHttp = 47;
}
