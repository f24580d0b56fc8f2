using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Serverless.Backends.Local.Processes;

namespace Serverless.Platform.Admin;

/// <summary>
/// <c>GET /sd/prometheus</c>: Prometheus HTTP service discovery (<c>http_sd_configs</c>) of every local instance's
/// metrics address, its PLATFORM_PORT on loopback, labelled with its namespace, function, revision and instance id.
/// Authenticated like the rest of the admin API (the token as <c>authorization.credentials_file</c> in Prometheus);
/// the targets are loopback addresses, so the Prometheus must run on this machine.
/// </summary>
internal sealed class PrometheusDiscoveryApi(LocalProcessBackend backend)
{
    public const string Path = "/sd/prometheus";

    /// <summary>Local instances listen on loopback only (the local backend's LocalInstance.Host).</summary>
    private const string InstanceHost = "127.0.0.1";

    public void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet(Path, context =>
        {
            // Prometheus requires exactly this media type; an empty list is a valid answer.
            context.Response.ContentType = "application/json";
            return context.Response.Body.WriteAsync(Targets(backend.GetAllInstances()), context.RequestAborted).AsTask();
        });

    /// <summary>
    /// One target group per instance: <c>[{"targets":["127.0.0.1:41234"],"labels":{"namespace","function","revision","instance_id"}}]</c>,
    /// ordered by namespace, function and instance so that the answer is stable. A draining instance stays listed:
    /// its last figures are still worth a scrape.
    /// </summary>
    public static byte[] Targets(IEnumerable<LocalInstanceInfo> instances)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var instance in instances
                .OrderBy(i => i.Function.Namespace, StringComparer.Ordinal)
                .ThenBy(i => i.Function.Name, StringComparer.Ordinal)
                .ThenBy(i => i.Id, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteStartArray("targets");
                json.WriteStringValue(string.Create(CultureInfo.InvariantCulture, $"{InstanceHost}:{instance.PlatformPort}"));
                json.WriteEndArray();
                json.WriteStartObject("labels");
                json.WriteString("namespace", instance.Function.Namespace);
                json.WriteString("function", instance.Function.Name);
                json.WriteString("revision", instance.RevisionName ?? instance.Revision);
                json.WriteString("instance_id", instance.Id);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return buffer.ToArray();
    }
}
