using Serverless.Eventing.Events;

namespace Serverless.Eventing.Ingress;

/// <summary>The events of one request, or why it was refused (a 400 detail naming the attribute).</summary>
internal sealed record ParsedEvents(IReadOnlyList<BrokerEvent> Events, string? Error)
{
    public static ParsedEvents Valid(IReadOnlyList<BrokerEvent> events) => new(events, null);

    public static ParsedEvents Invalid(string error) => new([], error);

    public bool IsValid => Error is null;
}
