using Serverless.Eventing.Events;

namespace Serverless.Eventing.Delivery;

/// <summary>Sends one event to a subscriber or sink; never throws for a failed attempt, only for cancellation.</summary>
internal interface IEventSender
{
    Task<SendResult> SendAsync(Uri target, BrokerEvent brokerEvent, TimeSpan timeout, CancellationToken cancellationToken);
}
