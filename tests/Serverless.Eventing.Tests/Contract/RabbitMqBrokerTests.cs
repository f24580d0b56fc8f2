using System.Collections.Concurrent;
using System.Diagnostics;
using Serverless.Core.Api;
using Serverless.Eventing.Events;
using Serverless.Eventing.Tests.Fakes;
using Serverless.TestSupport;

namespace Serverless.Eventing.Tests.Contract;

/// <summary>
/// What only the RabbitMQ backend has to show: prefetch bounding in-flight deliveries, 503 while RabbitMQ is away and
/// recovery by itself, and no acknowledged event lost and none stuck over a RabbitMQ restart mid-burst. Each test runs
/// its own node, since they stop it.
/// </summary>
public sealed class RabbitMqBrokerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly Uri Subscriber = new("http://subscriber.test/");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static async Task WaitForAsync(Func<Task<bool>> done, Func<string> what)
    {
        var clock = Stopwatch.StartNew();
        while (!await done())
        {
            Assert.True(clock.Elapsed < Bound, $"not within {Bound.TotalSeconds} s: {what()}");
            await Task.Delay(50);
        }
    }

    /// <summary>Publishes until the backend accepts (the ingress's 503 means "send again"), within <see cref="Bound"/>.</summary>
    private static Task PublishOnceAcceptedAsync(RabbitMqBackendHarness h, BrokerEvent cloudEvent, string what) =>
        WaitForAsync(
            async () =>
            {
                try
                {
                    await h.PublishAsync(cloudEvent);
                    return true;
                }
                catch (IOException)
                {
                    return false;
                }
            },
            () => what);

    [Fact]
    public async Task Prefetch_TriggerConcurrencyBoundsTheDeliveriesInFlight()
    {
        await using var server = await RabbitMqServer.StartAsync();
        await using var h = new RabbitMqBackendHarness(server, new BrokerOptions { TriggerConcurrency = 5, PollInterval = TimeSpan.FromMilliseconds(100) });
        h.Routes.Add("bounded", new TriggerSpec(), Subscriber, FakeRoutes.Delivery());
        h.Sender.Gate = new TaskCompletionSource();
        h.Start();

        await h.PublishAsync([.. Enumerable.Range(0, 40).Select(i => TestEvents.Event($"e{i}"))]);
        await WaitForAsync(() => Task.FromResult(h.Sender.Sent.Count == 5), () => $"{h.Sender.Sent.Count} attempts started");
        await Task.Delay(500);

        Assert.Equal(5, h.Sender.Sent.Count);   // RabbitMQ holds the other 35 back: prefetch 5
        Assert.Equal(35, await h.PendingAsync("bounded") - 5);
        h.Sender.Gate.SetResult();
        await WaitForAsync(() => Task.FromResult(h.Sender.Sent.Count == 40), () => $"{h.Sender.Sent.Count} of 40 delivered");
        Assert.Equal(5, h.Sender.MaxConcurrent);
    }

    [Fact]
    public async Task ConnectionLoss_PublishFailsWithIOExceptionWhileAway_AndRecoversByItself()
    {
        await using var server = await RabbitMqServer.StartAsync();
        await using var h = new RabbitMqBackendHarness(server, new BrokerOptions { PollInterval = TimeSpan.FromMilliseconds(100) });
        h.Routes.Add("recovers", new TriggerSpec(), Subscriber, FakeRoutes.Delivery());
        h.Start();
        await h.PublishAsync(TestEvents.Event("before"));
        await WaitForAsync(() => Task.FromResult(h.Sender.Sent.Count == 1), () => "first delivery");

        await server.StopAsync();
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<IOException>(() => h.PublishAsync(TestEvents.Event("away")));   // the ingress's 503 + Retry-After
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"failing took {clock.Elapsed}");

        await server.StartNodeAsync();
        await PublishOnceAcceptedAsync(h, TestEvents.Event("after"), "publishing after RabbitMQ returned");
        await WaitForAsync(() => Task.FromResult(h.Sender.Sent.Any(s => s.Event.Id == "after")), () => "delivery after recovery");
        Assert.DoesNotContain(h.Sender.Sent, s => s.Event.Id == "away");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RestartMidBurst_NoAcknowledgedEventLost_NoneStuck(bool kill)
    {
        await using var server = await RabbitMqServer.StartAsync();
        await using var h = new RabbitMqBackendHarness(server, new BrokerOptions { PollInterval = TimeSpan.FromMilliseconds(100) });
        h.Routes.Add("burst", new TriggerSpec(), Subscriber, FakeRoutes.Delivery(retry: 20, policy: "linear", delaySeconds: 0.1));
        h.Sender.Script(Subscriber, FakeSender.Status(200));
        h.Start();
        var acknowledged = new ConcurrentBag<string>();
        var refused = 0;
        var afterRestart = 0;
        var restarted = false;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(40));

        // 4 publishers, 50 events a request, until 500 more are acknowledged after RabbitMQ is back (a quiet machine
        // acknowledges thousands before a kill lands), within the time bound and at most 100,000 events.
        var next = 0;
        var publishers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && !(Volatile.Read(ref restarted) && Volatile.Read(ref afterRestart) >= 500) && Volatile.Read(ref next) < 100_000)
            {
                var back = Volatile.Read(ref restarted);
                var first = Interlocked.Add(ref next, 50) - 50;
                var batch = Enumerable.Range(first, 50).Select(i => TestEvents.Event($"b{i}")).ToArray();
                try
                {
                    await h.PublishAsync(batch);
                    foreach (var e in batch)
                    {
                        acknowledged.Add(e.Id);
                    }

                    if (back)
                    {
                        Interlocked.Add(ref afterRestart, batch.Length);
                    }
                }
                catch (IOException)
                {
                    Interlocked.Increment(ref refused);
                    await Task.Delay(100);
                }
            }
        })).ToArray();

        await WaitForAsync(() => Task.FromResult(acknowledged.Count >= 500), () => $"{acknowledged.Count} acknowledged before the restart");
        if (kill)
        {
            server.Kill();
        }
        else
        {
            await server.StopAsync();
        }

        await server.StartNodeAsync();
        Volatile.Write(ref restarted, true);
        await Task.WhenAll(publishers);
        Assert.True(afterRestart >= 500, $"publishing did not resume within the bound: {afterRestart} acknowledged after the restart");

        var expected = acknowledged.ToHashSet();
        Assert.True(expected.Count >= 1000, $"only {expected.Count} acknowledged");
        await WaitForAsync(
            () => Task.FromResult(expected.IsSubsetOf(h.Sender.Sent.Select(s => s.Event.Id))),
            () => $"{expected.Count(id => h.Sender.Sent.Any(s => s.Event.Id == id))} of {expected.Count} acknowledged events delivered");
        await WaitForAsync(async () => await h.PendingAsync("burst") == 0, () => "deliveries still queued or unacknowledged");
        output.WriteLine($"{(kill ? "SIGKILL" : "restart")}: {expected.Count} acknowledged, {refused} requests refused while RabbitMQ was away, {h.Sender.Sent.Count - expected.Count} extra deliveries (duplicates or unacknowledged events RabbitMQ kept)");
        Assert.True(refused > 0, "no publisher was refused: the restart did not happen mid-burst");
    }

    [Fact]
    public async Task QueueDeletedBehindItsBack_DeclaredAgain_PublishAndDeliveryResume()
    {
        await using var server = await RabbitMqServer.StartAsync();
        await using var h = new RabbitMqBackendHarness(server, new BrokerOptions { PollInterval = TimeSpan.FromMilliseconds(100) });
        h.Routes.Add("redeclared", new TriggerSpec(), Subscriber, FakeRoutes.Delivery());
        h.Start();
        await h.PublishAsync(TestEvents.Event("before"));
        await WaitForAsync(() => Task.FromResult(h.Sender.Sent.Count == 1), () => "first delivery");

        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = server.Url };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.QueueDeleteAsync(Serverless.Eventing.RabbitMq.RabbitMqNames.TriggerQueue("default/redeclared"), ifUnused: false, ifEmpty: false);
        }

        // The first publish may be returned (no queue bound): the ingress answers 503 and the client sends again.
        await PublishOnceAcceptedAsync(h, TestEvents.Event("after"), "publishing after the queue was deleted");
        await WaitForAsync(() => Task.FromResult(h.Sender.Sent.Any(s => s.Event.Id == "after")), () => "delivery from the declared-again queue");
    }

    [Fact]
    public async Task ExchangeDeletedUnderConcurrentPublishes_ChannelsReplaced_EveryAcceptedEventDelivered()
    {
        const int MaxPublishes = 20_000;
        await using var server = await RabbitMqServer.StartAsync();
        await using var h = new RabbitMqBackendHarness(server, new BrokerOptions { PollInterval = TimeSpan.FromMilliseconds(100) });
        h.Routes.Add("replaced", new TriggerSpec(), Subscriber, FakeRoutes.Delivery());
        h.Start();
        var accepted = new ConcurrentBag<string>();
        var refused = 0;
        var acceptedAfterDelete = 0;
        var deleted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var bound = new CancellationTokenSource(Bound);

        // 8 concurrent publishers on the connection's channels, one event a request as the ingress does; the Broker's
        // exchange is deleted behind their back mid-burst, which makes RabbitMQ close each channel that publishes to it.
        var next = 0;
        var publishers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!bound.IsCancellationRequested && !(deleted.Task.IsCompleted && Volatile.Read(ref acceptedAfterDelete) >= 400) && Volatile.Read(ref next) < MaxPublishes)
            {
                var id = "e" + Interlocked.Increment(ref next);
                var afterDelete = deleted.Task.IsCompleted;
                try
                {
                    await h.PublishAsync(TestEvents.Event(id));
                    accepted.Add(id);   // the ingress's 202: only after RabbitMQ confirmed
                    if (afterDelete)
                    {
                        Interlocked.Increment(ref acceptedAfterDelete);
                    }
                }
                catch (IOException)
                {
                    Interlocked.Increment(ref refused);   // the ingress's 503: the client sends again
                }
            }
        })).ToArray();

        await WaitForAsync(() => Task.FromResult(accepted.Count >= 200), () => $"{accepted.Count} accepted before the delete");
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = server.Url };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.ExchangeDeleteAsync(Serverless.Eventing.RabbitMq.RabbitMqNames.Exchange("default", "default"));
        }

        deleted.SetResult();
        await Task.WhenAll(publishers);
        Assert.False(bound.IsCancellationRequested || next >= MaxPublishes, $"publishing did not resume: {Volatile.Read(ref acceptedAfterDelete)} accepted after the delete, {refused} refused");
        Assert.True(refused > 0, "no publish was refused: the exchange was not deleted under the publishers");

        // Every channel works again: a run of publishes spread over all of them succeeds.
        for (var i = 0; i < 40; i++)
        {
            var id = "after-" + i;
            await h.PublishAsync(TestEvents.Event(id));
            accepted.Add(id);
        }

        await WaitForAsync(
            () => Task.FromResult(accepted.Except(h.Sender.Sent.Select(s => s.Event.Id)).Any() is false),
            () => $"{accepted.Except(h.Sender.Sent.Select(s => s.Event.Id)).Count()} of {accepted.Count} accepted events not delivered");
        output.WriteLine($"{accepted.Count} accepted, {refused} refused while the exchange was gone");
    }

    [Fact]
    public async Task ConfirmNack_ConcurrentPublishesAreRefused_ThenPublishingResumes()
    {
        await using var server = await RabbitMqServer.StartAsync();
        await using var h = new RabbitMqBackendHarness(server, new BrokerOptions { PollInterval = TimeSpan.FromMilliseconds(100) });
        h.Routes.Add("nacked", new TriggerSpec(), Subscriber, FakeRoutes.Delivery());
        h.Start();
        await h.PublishAsync(TestEvents.Event("before"));

        // A queue that takes nothing (max length 0, reject-publish) bound like the Trigger's: RabbitMQ answers every
        // publish to the exchange with a basic.nack, which must never become a 202.
        var factory = new RabbitMQ.Client.ConnectionFactory { Uri = server.Url };
        var exchange = Serverless.Eventing.RabbitMq.RabbitMqNames.Exchange("default", "default");
        var binding = new Dictionary<string, object?> { ["x-match"] = "any", [Serverless.Eventing.RabbitMq.RabbitMqNames.TriggerHeader("default/nacked")] = "1" };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var full = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, new Dictionary<string, object?> { ["x-max-length"] = 0, ["x-overflow"] = "reject-publish" });
        await channel.QueueBindAsync(full.QueueName, exchange, "", binding);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            try
            {
                await h.PublishAsync(TestEvents.Event("nacked-" + i));
                return "accepted";
            }
            catch (IOException e)
            {
                return e.Message;
            }
        })));
        Assert.All(outcomes, o => Assert.Equal("RabbitMQ did not confirm the event", o));

        await channel.QueueUnbindAsync(full.QueueName, exchange, "", binding);
        await Task.WhenAll(Enumerable.Range(0, 16).Select(i => h.PublishAsync(TestEvents.Event("after-" + i))));
        await WaitForAsync(
            () => Task.FromResult(Enumerable.Range(0, 16).All(i => h.Sender.Sent.Any(s => s.Event.Id == "after-" + i))),
            () => "deliveries after the nacks");
    }
}
