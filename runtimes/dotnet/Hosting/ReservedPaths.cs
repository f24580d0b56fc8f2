namespace Serverless.Runtime.Dotnet.Hosting;

/// <summary>Paths the runtime answers itself; every other path invokes the function.</summary>
internal static class ReservedPaths
{
    public const string Health = "/healthz";
    public const string Ready = "/readyz";
    public const string Metrics = "/metrics";
}
