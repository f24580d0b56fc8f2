using System.Net;
using Microsoft.AspNetCore.Http;

namespace Serverless.Platform.Admin;

/// <summary>
/// Which admin API requests need the bearer token. Every one does, but two kinds:
/// <list type="bullet">
/// <item><c>/healthz</c>: a liveness answer with nothing in it, for probes that hold no credential.</item>
/// <item><c>/metrics</c> and <c>/stats/functions</c> from loopback: read-only telemetry for a Prometheus or a
/// <c>func top</c> on this machine. From anywhere else they need the token like the rest.</item>
/// </list>
/// </summary>
/// <remarks>
/// Function instances share the platform's network, so "from loopback" includes them: they may read the telemetry,
/// never write or read resources. Everything else (resources, logs, <c>/readyz</c>) needs the token from anywhere.
/// </remarks>
internal static class AdminAccess
{
    public static bool RequiresToken(PathString path, IPAddress? remote)
    {
        if (path.Equals("/healthz", StringComparison.Ordinal))
        {
            return false;
        }

        if (path.StartsWithSegments("/metrics", StringComparison.Ordinal) || path.StartsWithSegments("/stats/functions", StringComparison.Ordinal))
        {
            return !IsLoopback(remote);
        }

        return true;
    }

    /// <summary>A dual-stack listener reports an IPv4 client as <c>::ffff:127.0.0.1</c>; an unknown peer is not loopback.</summary>
    private static bool IsLoopback(IPAddress? remote) =>
        remote is not null && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);
}
