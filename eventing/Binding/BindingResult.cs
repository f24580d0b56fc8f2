using CloudNative.CloudEvents;

namespace Serverless.Eventing.Binding;

/// <summary>The events a request carries (one, or a batch in order), or what is wrong with them.</summary>
internal sealed record BindingResult(IReadOnlyList<CloudEvent> Events, BindingError? Error)
{
    public static BindingResult Valid(params IReadOnlyList<CloudEvent> events) => new(events, null);

    public static BindingResult Invalid(BindingError error) => new([], error);
}
