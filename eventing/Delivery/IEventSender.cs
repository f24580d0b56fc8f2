using CloudNative.CloudEvents;

namespace Serverless.Eventing.Delivery;

/// <summary>Sends one event to a subscriber or sink; never throws for a failed attempt, only for cancellation.</summary>
internal interface IEventSender
{
    Task<SendResult> SendAsync(Uri target, CloudEvent cloudEvent, TimeSpan timeout, CancellationToken cancellationToken);
}
