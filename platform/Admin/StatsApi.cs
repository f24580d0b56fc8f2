using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Hosting.Informers;

using Serverless.Platform.Stats;

namespace Serverless.Platform.Admin;

/// <summary>
/// <c>GET /stats/functions</c>: one JSON snapshot of every function's live figures for <c>func top</c>:
/// desired and ready instances (the backend), in-flight requests, RPS and queue depth (the activator's latest
/// per-second sample), cold starts in the last minute (<see cref="ColdStartCounter"/>).
/// </summary>
internal sealed class StatsApi
{
    /// <summary>Samples come every second; an older one means the function had no traffic since, so its load is 0.</summary>
    private static readonly TimeSpan SampleFreshness = TimeSpan.FromSeconds(3);

    private readonly ResourceInformer<Function> _functions;
    private readonly IWorkloadManager _backend;
    private readonly LatestSamples _samples;
    private readonly ColdStartCounter _coldStarts;
    private readonly TimeProvider _time;

    public StatsApi(ResourceInformer<Function> functions, IWorkloadManager backend, LatestSamples samples, ColdStartCounter coldStarts, TimeProvider time)
    {
        _functions = functions;
        _backend = backend;
        _samples = samples;
        _coldStarts = coldStarts;
        _time = time;
    }

    public void Map(IEndpointRouteBuilder routes) =>
        routes.MapGet("/stats/functions", context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(Snapshot(), Encoding.UTF8, context.RequestAborted);
        });

    /// <summary>The body: <c>{"functions":[{namespace, name, desiredInstances, readyInstances, inFlight, requestsPerSecond, queueDepth, coldStartsLastMinute}]}</c>.</summary>
    public string Snapshot()
    {
        var notBefore = _time.GetUtcNow() - SampleFreshness;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("functions");
            foreach (var function in _functions.List()
                .OrderBy(f => f.Metadata.NamespaceProperty, StringComparer.Ordinal)
                .ThenBy(f => f.Metadata.Name, StringComparer.Ordinal))
            {
                var key = ResourceInformer<Function>.KeyOf(function);

                // The whole Function: every revision's workload (each its own, issue #17) added up.
                int desired = 0, ready = 0, inFlight = 0, queue = 0, coldStarts = 0;
                double rps = 0;
                foreach (var workload in Core.Traffic.TrafficResolution.WorkloadKeys(key, function.Status))
                {
                    var status = _backend.GetStatus(workload);
                    desired += status?.DesiredReplicas ?? 0;
                    ready += status?.ReadyReplicas ?? 0;
                    coldStarts += _coldStarts.LastMinute(workload);
                    if (_samples.Latest(workload, notBefore) is { } sample)
                    {
                        // The sample's concurrency counts queued requests too: in flight to instances is the rest.
                        inFlight += Math.Max(0, (int)Math.Round(sample.AverageConcurrency) - sample.QueueDepth);
                        rps += sample.RequestsPerSecond;
                        queue += sample.QueueDepth;
                    }
                }

                json.WriteStartObject();
                json.WriteString("namespace", key.Namespace);
                json.WriteString("name", key.Name);
                json.WriteNumber("desiredInstances", desired);
                json.WriteNumber("readyInstances", ready);
                json.WriteNumber("inFlight", inFlight);
                json.WriteNumber("requestsPerSecond", Math.Round(rps, 2));
                json.WriteNumber("queueDepth", queue);
                json.WriteNumber("coldStartsLastMinute", coldStarts);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
