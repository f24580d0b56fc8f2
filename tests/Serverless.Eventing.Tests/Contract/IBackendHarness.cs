using Serverless.Eventing.Events;
using Serverless.Eventing.Tests.Fakes;

namespace Serverless.Eventing.Tests.Contract;

/// <summary>One broker backend, its ingress and its dispatcher running on the real clock, over fake routes and sender.</summary>
internal interface IBackendHarness : IAsyncDisposable
{
    FakeRoutes Routes { get; }

    FakeSender Sender { get; }

    Metrics.BrokerMetrics Metrics { get; }

    /// <summary>Accepts events into broker default/default, as the ingress does before its 202.</summary>
    Task PublishAsync(params BrokerEvent[] events);

    /// <summary>Starts delivering (after the Triggers are set up).</summary>
    void Start();

    /// <summary>Stops the dispatcher as a crash would leave it (attempts in flight unrecorded) and starts a new one on the same data.</summary>
    Task RestartAsync();

    /// <summary>Deliveries of a Trigger kept as failed (neither the subscriber nor a dead-letter sink took them).</summary>
    Task<long> FailedAsync(string triggerName);

    /// <summary>Deliveries of a Trigger still to be attempted (queued, waiting for a retry, or in flight).</summary>
    Task<long> PendingAsync(string triggerName);
}
