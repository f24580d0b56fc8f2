namespace Serverless.Runtime.Dotnet.Hosting;

/// <summary>
/// The paths the runtime answers itself, on <c>PLATFORM_PORT</c> only: on <c>PORT</c> every path invokes the function,
/// <c>/healthz</c> included, as in Knative, whose probes and metrics live on the queue-proxy's own ports.
/// </summary>
internal static class ReservedPaths
{
    public const string Health = "/healthz";
    public const string Ready = "/readyz";
    public const string Metrics = "/metrics";
}
