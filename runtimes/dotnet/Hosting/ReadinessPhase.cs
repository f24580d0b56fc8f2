namespace Serverless.Runtime.Dotnet.Hosting;

internal enum ReadinessPhase
{
    Loading,
    Ready,
    Draining,
}
