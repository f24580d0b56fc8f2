using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Serverless.Eventing.Events;

namespace Serverless.Eventing.Tracing;

/// <summary>
/// The broker's spans, on the <see cref="ActivitySource"/> <see cref="SourceName"/>: <c>broker.ingress</c> per accepted
/// request (continuing its W3C <c>traceparent</c>), <c>broker.store</c> around the durable write, and one
/// <c>broker.deliver</c> client span per delivery attempt. The trace context travels with the event in the CloudEvents
/// Distributed Tracing extension (<c>traceparent</c>/<c>tracestate</c> attributes): set at ingress on an event that has
/// none, so a delivery hours later (or a reply the subscriber returns) joins the trace of the event's ingress. Without a
/// listener nothing is created and events are stored exactly as they came.
/// </summary>
public static class BrokerTracing
{
    public const string SourceName = "Serverless.Broker";

    public const string TraceParentAttribute = "traceparent";

    public const string TraceStateAttribute = "tracestate";

    internal static readonly ActivitySource Source = new(SourceName);

    internal static Activity? StartIngress(HttpContext context, string ns, string broker)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var headers = context.Request.Headers;
        ActivityContext.TryParse(headers[TraceParentAttribute].ToString(), headers[TraceStateAttribute].ToString(), isRemote: true, out var parent);
        var activity = Source.StartActivity("broker.ingress", ActivityKind.Server, parent);
        activity?.SetTag("serverless.namespace", ns);
        activity?.SetTag("serverless.broker", broker);
        return activity;
    }

    internal static Activity? StartStore(int events)
    {
        var activity = Source.StartActivity("broker.store", ActivityKind.Internal);
        activity?.SetTag("serverless.events", events);
        return activity;
    }

    /// <summary>The event with the current span as its Distributed Tracing context, unless it carries one already.</summary>
    internal static BrokerEvent WithContext(BrokerEvent brokerEvent)
    {
        if (Activity.Current is not { Source.Name: SourceName, IdFormat: ActivityIdFormat.W3C } current || brokerEvent[TraceParentAttribute] is not null)
        {
            return brokerEvent;
        }

        var traced = brokerEvent.With(TraceParentAttribute, current.Id);
        return current.TraceStateString is { Length: > 0 } state ? traced.With(TraceStateAttribute, state) : traced;
    }

    /// <summary>One attempt to deliver <paramref name="stored"/>, a child of the context it carries; null when nobody listens.</summary>
    internal static Activity? StartDelivery(BrokerEvent stored, string trigger, int attempt, bool deadLetter)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityContext.TryParse(stored[TraceParentAttribute], stored[TraceStateAttribute], isRemote: true, out var parent);
        var activity = Source.StartActivity("broker.deliver", ActivityKind.Client, parent);
        activity?.SetTag("serverless.trigger", trigger);
        activity?.SetTag("serverless.attempt", attempt);
        activity?.SetTag("serverless.dead_letter", deadLetter);
        activity?.SetTag("cloudevents.event_id", stored.Id);
        return activity;
    }

    /// <summary>The HTTP <c>traceparent</c> of a delivery: the current delivery span's, when there is one.</summary>
    internal static void Inject(HttpRequestMessage request)
    {
        if (Activity.Current is { Source.Name: SourceName, IdFormat: ActivityIdFormat.W3C } current)
        {
            request.Headers.Remove(TraceParentAttribute);
            request.Headers.TryAddWithoutValidation(TraceParentAttribute, current.Id);
        }
    }
}
