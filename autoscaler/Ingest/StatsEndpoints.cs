using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Serverless.Autoscaler.Scaling;
using Serverless.Core.Wire.Stats;

namespace Serverless.Autoscaler.Ingest;

/// <summary>
/// The autoscaler's HTTP side of the activator link (Kubernetes mode, port 8080): <c>POST /stats</c>
/// (<see cref="StatsReportBody"/>) feeds <see cref="ActivatorReports"/> and the <see cref="FunctionScaler"/>'s windows
/// and answers 200 <c>{"autoscaler": "&lt;instance id&gt;"}</c> (<see cref="StatsReply"/>); <c>POST /scale-from-zero</c>
/// <c>{"namespace","name"}</c> (<see cref="FunctionRefBody"/>) starts a scale-up at once and answers 202. A malformed
/// body is a 400 naming the field; a body over <see cref="MaxBodyBytes"/> a 413 (<see cref="StatsErrorBody"/>).
/// </summary>
public static class StatsEndpoints
{
    /// <summary>Largest accepted body: a replay piece of 1000 samples with a few instances each is far below.</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    /// <param name="autoscalerId">
    /// This autoscaler's instance id, new at every start (the pod name plus a start nonce): activators replay their
    /// recent samples when it changes.
    /// </param>
    public static void Map(IEndpointRouteBuilder routes, ActivatorReports reports, FunctionScaler scaler, string autoscalerId)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentException.ThrowIfNullOrEmpty(autoscalerId);
        var reply = new StatsReply(autoscalerId);
        routes.MapPost("/" + StatsPaths.Stats, async (HttpContext context) =>
        {
            var body = await ReadBodyAsync(context).ConfigureAwait(false);
            if (body is null)
            {
                return TooLarge();
            }

            if (!StatsReportParser.TryParseReport(body.Value, out var report, out var error))
            {
                return BadRequest(error!);
            }

            foreach (var combined in reports.Record(report!.Activator, report.Samples))
            {
                scaler.ReportCombined(combined);
            }

            // A request queued with nothing in flight means the function is (going) at zero: if the activator's own
            // poke was lost, this starts the scale-up within a reporting interval. Idempotent when instances exist.
            foreach (var sample in report.Samples)
            {
                if (sample.QueueDepth > 0 && sample.InFlight == 0)
                {
                    scaler.RequestScaleFromZero(sample.Key);
                }
            }

            return Results.Json(reply, StatsJsonContext.Default.StatsReply);
        });
        routes.MapPost("/" + StatsPaths.ScaleFromZero, async (HttpContext context) =>
        {
            var body = await ReadBodyAsync(context).ConfigureAwait(false);
            if (body is null)
            {
                return TooLarge();
            }

            if (!StatsReportParser.TryParseFunction(body.Value, out var key, out var error))
            {
                return BadRequest(error!);
            }

            scaler.RequestScaleFromZero(key);
            return Results.StatusCode(StatusCodes.Status202Accepted);
        });
    }

    /// <summary>The body, or null when it is longer than <see cref="MaxBodyBytes"/> (declared or actual).</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static IResult BadRequest(string error) =>
        Results.Json(new StatsErrorBody(error), StatsJsonContext.Default.StatsErrorBody, statusCode: StatusCodes.Status400BadRequest);

    private static IResult TooLarge() =>
        Results.Json(new StatsErrorBody($"body: larger than {MaxBodyBytes} bytes"), StatsJsonContext.Default.StatsErrorBody, statusCode: StatusCodes.Status413PayloadTooLarge);
}
