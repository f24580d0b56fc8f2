using System.Diagnostics;
using RabbitMQ.Client;

/// <summary>
/// RabbitMQ's baseline: RabbitMQ.Client publishing persistent messages to a durable quorum queue with publisher
/// confirms, C publishes in flight, each awaiting its own confirm (as one ingress request per event does), over the
/// same number of channels the broker uses. Returns events/s.
/// </summary>
internal static class RawRabbitPublisher
{
    /// <param name="brokerTopology">
    /// false: to the queue through the default exchange, the plainest publish (the baseline the goal is stated
    /// against). true: the broker's own route and message shape, a durable headers exchange with the queue bound on a
    /// Trigger header, each message carrying that header and a timestamp, so the difference to the broker is only
    /// the platform (HTTP and our code), not RabbitMQ's routing.
    /// </param>
    public static async Task<double> RunAsync(Uri url, int events, int concurrency, int payloadBytes, bool brokerTopology = false)
    {
        var factory = new ConnectionFactory { Uri = url };
        await using var connection = await factory.CreateConnectionAsync();
        var channels = new IChannel[4];
        for (var i = 0; i < channels.Length; i++)
        {
            channels[i] = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        }

        const string Queue = "bench.baseline";
        const string Exchange = "bench.baseline.headers";
        const string TriggerHeader = "serverless-trigger-bench";
        await channels[0].QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        if (brokerTopology)
        {
            await channels[0].ExchangeDeclareAsync(Exchange, ExchangeType.Headers, durable: true, autoDelete: false);
            await channels[0].QueueBindAsync(Queue, Exchange, "", new Dictionary<string, object?> { ["x-match"] = "any", [TriggerHeader] = "1" });
        }

        var body = new byte[payloadBytes];
        var start = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, events), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            var properties = new BasicProperties { Persistent = true };
            if (brokerTopology)
            {
                properties.Headers = new Dictionary<string, object?> { ["serverless-received-at"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), [TriggerHeader] = "1" };
            }

            await channels[i % channels.Length].BasicPublishAsync(brokerTopology ? Exchange : "", brokerTopology ? "" : Queue, mandatory: true, properties, body, ct);
        });
        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await channels[0].QueueDeleteAsync(Queue);
        if (brokerTopology)
        {
            await channels[0].ExchangeDeleteAsync(Exchange);
        }

        foreach (var channel in channels)
        {
            await channel.DisposeAsync();
        }

        return events / seconds;
    }
}
