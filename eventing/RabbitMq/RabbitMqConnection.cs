using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Serverless.Eventing.RabbitMq;

/// <summary>
/// The broker's one connection to RabbitMQ: confirmed publishing over a few channels, the topology it declares, and
/// channels for consumers. The client's automatic recovery reconnects and re-consumes after a connection loss; until
/// it has, every operation fails fast with <see cref="IOException"/>, which the ingress answers with 503 + Retry-After.
/// </summary>
/// <remarks>
/// The URL carries credentials: it is never logged, and errors name only the host.
/// </remarks>
internal sealed partial class RabbitMqConnection : IAsyncDisposable
{
    /// <summary>Publishing channels: confirms are per channel, so a few let concurrent requests' confirms overlap.</summary>
    private const int PublisherChannels = 4;

    /// <summary>
    /// Longest wait for RabbitMQ's answer to a publish (its confirm), a declaration or a channel: a node going down
    /// can leave a confirm unanswered, and an ingress request must end in 503 rather than hang.
    /// </summary>
    public static readonly TimeSpan OperationTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait for RabbitMQ to answer the close of the connection at shutdown.</summary>
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly ConnectionFactory _factory;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly SemaphoreSlim _topologyLock = new(1, 1);
    private readonly SemaphoreSlim _publisherLock = new(1, 1);
    private readonly ConcurrentDictionary<string, bool> _declared = new(StringComparer.Ordinal);
    private IConnection? _connection;
    private IChannel[] _publishers = [];
    private IChannel? _topology;
    private int _next;

    public RabbitMqConnection(Uri url, ILogger logger)
    {
        _factory = new ConnectionFactory
        {
            Uri = url,
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
            RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
            ClientProvidedName = "serverless-broker",
        };
        Host = url.Host + ":" + (url.IsDefaultPort ? 5672 : url.Port);
        _logger = logger;
    }

    /// <summary>host:port, for messages (never the URL: it may hold a password).</summary>
    public string Host { get; }

    public bool IsOpen => _connection is { IsOpen: true };

    /// <summary>Connects if not yet connected; <see cref="IOException"/> when RabbitMQ cannot be reached.</summary>
    public async Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connection is { } existing)
        {
            return existing.IsOpen ? existing : throw new IOException($"RabbitMQ at {Host} is unreachable; reconnecting");
        }

        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is { } raced)
            {
                return raced;
            }

            IConnection connection;
            try
            {
                connection = await _factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is BrokerUnreachableException or OperationInterruptedException or System.Net.Sockets.SocketException)
            {
                throw new IOException($"RabbitMQ at {Host} is unreachable: {e.GetBaseException().Message}", e);
            }

            var publishers = new IChannel[PublisherChannels];
            for (var i = 0; i < publishers.Length; i++)
            {
                publishers[i] = await connection.CreateChannelAsync(new CreateChannelOptions(true, true), cancellationToken).ConfigureAwait(false);
            }

            _topology = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await _topology.ExchangeDeclareAsync(RabbitMqNames.DelayExchange, ExchangeType.Headers, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            _publishers = publishers;
            _connection = connection;
            connection.ConnectionShutdownAsync += (_, args) =>
            {
                if (args.Initiator != ShutdownInitiator.Application)
                {
                    LogConnectionLost(_logger, Host, args.ReplyText);
                }

                return Task.CompletedTask;
            };
            connection.RecoverySucceededAsync += (_, _) =>
            {
                LogConnectionRecovered(_logger, Host);
                return Task.CompletedTask;
            };
            LogConnected(_logger, Host);
            return connection;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>Publishes and waits for RabbitMQ's confirm; unroutable (mandatory) and nacked publishes throw <see cref="IOException"/>.</summary>
    public async Task PublishAsync(string exchange, string routingKey, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var slot = (int)((uint)Interlocked.Increment(ref _next) % (uint)_publishers.Length);
        var channel = _publishers[slot];
        if (channel.IsClosed && IsOpen)
        {
            channel = await ReplacePublisherAsync(slot, cancellationToken).ConfigureAwait(false);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(OperationTimeout);
        try
        {
            await channel.BasicPublishAsync(exchange, routingKey, mandatory: true, properties, body, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"RabbitMQ at {Host} did not confirm the event within {OperationTimeout.TotalSeconds} s");
        }
        catch (PublishException e)
        {
            if (e.IsReturn)
            {
                // A queue declared earlier is gone (deleted by hand, or a node that lost its data): declare again next time.
                ForgetDeclarations();
            }

            throw new IOException(e.IsReturn ? $"RabbitMQ returned the event: no queue is bound for it on {exchange}" : "RabbitMQ did not confirm the event", e);
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or ObjectDisposedException)
        {
            if (ClosedFor(e) is { } reason)
            {
                // RabbitMQ closed this channel, not the connection: most often 404, the Broker's exchange is gone
                // (deleted by hand, or a node that lost its data). Declare again next time; the next publish on this
                // slot opens a new channel (ReplacePublisherAsync), so one error does not take a quarter of the
                // publishes down for good.
                if (reason.ReplyCode == Constants.NotFound)
                {
                    ForgetDeclarations();
                }

                throw new IOException($"RabbitMQ closed the publishing channel: {reason.ReplyCode} {reason.ReplyText}", e);
            }

            throw new IOException($"RabbitMQ at {Host} is unreachable; reconnecting", e);
        }
    }

    /// <summary>Why RabbitMQ closed a channel while the connection stayed up; null when the connection went (recovery's case).</summary>
    private ShutdownEventArgs? ClosedFor(Exception e)
    {
        var reason = e switch
        {
            AlreadyClosedException closed => closed.ShutdownReason,
            OperationInterruptedException interrupted => interrupted.ShutdownReason,
            _ => null,
        };
        return reason is { Initiator: ShutdownInitiator.Peer } && IsOpen ? reason : null;
    }

    /// <summary>
    /// A publishing channel RabbitMQ closed while the connection stayed up (a channel error; automatic recovery only
    /// reopens channels after a lost connection): a new one in its slot. Publishes already on the old channel failed
    /// with it (503, the client sends again); none is moved, so none is answered 202 without its own confirm.
    /// </summary>
    private async Task<IChannel> ReplacePublisherAsync(int slot, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(OperationTimeout);
        try
        {
            await _publisherLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                var current = _publishers[slot];
                if (!current.IsClosed)
                {
                    return current;   // another publish replaced it first
                }

                var replacement = await _connection!.CreateChannelAsync(new CreateChannelOptions(true, true), timeout.Token).ConfigureAwait(false);
                _publishers[slot] = replacement;
                LogPublisherReplaced(_logger, Host, slot, current.CloseReason?.ReplyText ?? "closed");
                await current.DisposeAsync().ConfigureAwait(false);
                return replacement;
            }
            finally
            {
                _publisherLock.Release();
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"RabbitMQ at {Host} did not open a channel within {OperationTimeout.TotalSeconds} s");
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException)
        {
            throw new IOException($"RabbitMQ at {Host} is unreachable; reconnecting", e);
        }
    }

    /// <summary>The Broker's exchange and the Trigger's queues bound to it, declared once per process (idempotent on the server).</summary>
    public async Task EnsureTriggerAsync(string @namespace, string broker, string triggerKey, CancellationToken cancellationToken)
    {
        var queue = RabbitMqNames.TriggerQueue(triggerKey);
        if (_declared.ContainsKey(queue))
        {
            return;
        }

        await DeclareAsync(async channel =>
        {
            var exchange = RabbitMqNames.Exchange(@namespace, broker);
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Headers, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, QuorumArguments(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await channel.QueueDeclareAsync(RabbitMqNames.FailedQueue(triggerKey), durable: true, exclusive: false, autoDelete: false, QuorumArguments(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await channel.QueueBindAsync(queue, exchange, "", new Dictionary<string, object?>
            {
                ["x-match"] = "any",
                [RabbitMqNames.TriggerHeader(triggerKey)] = "1",
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        _declared[queue] = true;
    }

    /// <summary>Makes the next use of every queue declare it again (RabbitMQ lost or deleted one).</summary>
    public void ForgetDeclarations() => _declared.Clear();

    /// <summary>The delay queue of one wait: its messages expire after it and return to their Trigger's queue.</summary>
    public async Task EnsureDelayQueueAsync(long milliseconds, CancellationToken cancellationToken)
    {
        var queue = RabbitMqNames.DelayQueue(milliseconds);
        if (_declared.ContainsKey(queue))
        {
            return;
        }

        await DeclareAsync(async channel =>
        {
            var arguments = QuorumArguments();
            arguments["x-message-ttl"] = milliseconds;
            arguments["x-dead-letter-exchange"] = "";

            // Quorum queues dead-letter at most once unless told otherwise: a retry must not vanish on the way back.
            arguments["x-dead-letter-strategy"] = "at-least-once";
            arguments["x-overflow"] = "reject-publish";
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
            await channel.QueueBindAsync(queue, RabbitMqNames.DelayExchange, "", new Dictionary<string, object?>
            {
                ["x-match"] = "all",
                [RabbitMqNames.DelayHeader] = milliseconds,
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        _declared[queue] = true;
    }

    /// <summary>Deletes a deleted Trigger's queue and what it held (as Knative does), keeping its failed queue for an operator.</summary>
    public async Task DeleteTriggerAsync(string triggerKey, CancellationToken cancellationToken)
    {
        var queue = RabbitMqNames.TriggerQueue(triggerKey);
        await DeclareAsync(channel => channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        _declared.TryRemove(queue, out _);
    }

    /// <summary>A channel of its own for one consumer, with <paramref name="prefetch"/> unacknowledged deliveries at most.</summary>
    public async Task<IChannel> CreateConsumerChannelAsync(ushort prefetch, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(OperationTimeout);
        try
        {
            var channel = await connection.CreateChannelAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
            await channel.BasicQosAsync(0, prefetch, false, timeout.Token).ConfigureAwait(false);
            return channel;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"RabbitMQ at {Host} did not open a channel within {OperationTimeout.TotalSeconds} s");
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException)
        {
            throw new IOException($"RabbitMQ at {Host} is unreachable; reconnecting", e);
        }
    }

    private static Dictionary<string, object?> QuorumArguments() => new() { ["x-queue-type"] = "quorum" };

    private async Task DeclareAsync(Func<IChannel, Task> declare, CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(OperationTimeout);
        try
        {
            await _topologyLock.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"RabbitMQ at {Host} did not answer a declaration within {OperationTimeout.TotalSeconds} s");
        }

        try
        {
            var connection = _connection!;
            if (_topology is not { IsOpen: true })
            {
                // A declaration RabbitMQ refused closes the channel: open another rather than fail every later one.
                _topology = await connection.CreateChannelAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
            }

            await declare(_topology).WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"RabbitMQ at {Host} did not answer a declaration within {OperationTimeout.TotalSeconds} s");
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException)
        {
            throw new IOException($"RabbitMQ at {Host} refused or lost a declaration: {e.Message}", e);
        }
        finally
        {
            _topologyLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            // RabbitMQ.Client 7.2 raises a close timeout below 30 s to 30 s (rabbitmq-dotnet-client #1973, fixed after
            // 7.2.2) and its dispose then waits out its continuation timeout (20 s), so a node that stopped answering
            // would hold a shutdown for 50 s, past a pod's grace. The wait is bounded here; an unanswered close
            // finishes in the background and drops the socket, and the server releases what was ours when it sees it gone.
            var closing = CloseAsync(connection);
            try
            {
                await closing.WaitAsync(CloseTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                LogCloseAbandoned(_logger, Host, CloseTimeout.TotalSeconds);
            }
        }

        _connectLock.Dispose();
        _topologyLock.Dispose();
        _publisherLock.Dispose();
    }

    private static async Task CloseAsync(IConnection connection)
    {
        try
        {
            await connection.CloseAsync(CloseTimeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException or OperationCanceledException)
        {
            // A lost connection (nothing to release on the server) or an unanswered close: the dispose drops the socket.
        }

        await connection.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(EventId = EventingEventIds.RabbitMqConnected, Level = LogLevel.Information, Message = "Connected to RabbitMQ at {Host}")]
    private static partial void LogConnected(ILogger logger, string host);

    [LoggerMessage(EventId = EventingEventIds.RabbitMqConnectionLost, Level = LogLevel.Warning, Message = "Lost the connection to RabbitMQ at {Host} ({Reason}); reconnecting")]
    private static partial void LogConnectionLost(ILogger logger, string host, string reason);

    [LoggerMessage(EventId = EventingEventIds.RabbitMqPublisherReplaced, Level = LogLevel.Warning, Message = "RabbitMQ at {Host} closed publishing channel {Slot} ({Reason}); opened a new one")]
    private static partial void LogPublisherReplaced(ILogger logger, string host, int slot, string reason);

    [LoggerMessage(EventId = EventingEventIds.RabbitMqCloseAbandoned, Level = LogLevel.Warning, Message = "RabbitMQ at {Host} did not answer the close of the connection within {Seconds} s; dropping it")]
    private static partial void LogCloseAbandoned(ILogger logger, string host, double seconds);

    [LoggerMessage(EventId = EventingEventIds.RabbitMqRecovered, Level = LogLevel.Information, Message = "Reconnected to RabbitMQ at {Host}")]
    private static partial void LogConnectionRecovered(ILogger logger, string host);
}
