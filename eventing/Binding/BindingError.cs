namespace Serverless.Eventing.Binding;

/// <summary>What is wrong with a request's CloudEvent; <see cref="Index"/> is the event's position in a batch.</summary>
internal sealed record BindingError(BindingErrorKind Kind, string? Attribute = null, string? Detail = null, string? MediaType = null, int? Index = null);
