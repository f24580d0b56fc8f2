using System.Diagnostics;
using RabbitMQ.Client;

/// <summary>
/// RabbitMQ's baseline: RabbitMQ.Client publishing persistent messages to a durable quorum queue with publisher
/// confirms, C publishes in flight, each awaiting its own confirm (as one ingress request per event does), over the
/// same number of channels the broker uses. Returns events/s.
/// </summary>
internal static class RawRabbitPublisher
{
    public static async Task<double> RunAsync(Uri url, int events, int concurrency, int payloadBytes)
    {
        var factory = new ConnectionFactory { Uri = url };
        await using var connection = await factory.CreateConnectionAsync();
        var channels = new IChannel[4];
        for (var i = 0; i < channels.Length; i++)
        {
            channels[i] = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        }

        await channels[0].QueueDeclareAsync("bench.baseline", durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        var body = new byte[payloadBytes];
        var start = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, events), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            var properties = new BasicProperties { Persistent = true };
            await channels[i % channels.Length].BasicPublishAsync("", "bench.baseline", mandatory: true, properties, body, ct);
        });
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await channels[0].QueueDeleteAsync("bench.baseline");
        foreach (var channel in channels)
        {
            await channel.DisposeAsync();
        }

        return events / seconds;
    }
}
