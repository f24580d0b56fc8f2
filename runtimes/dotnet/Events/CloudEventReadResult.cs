using CloudNative.CloudEvents;

namespace Serverless.Runtime.Dotnet.Events;

/// <summary>The event a request carries, or the 400 detail saying why it is not a valid one.</summary>
internal sealed record CloudEventReadResult(CloudEvent? Event, string? Error)
{
    public static CloudEventReadResult Valid(CloudEvent cloudEvent) => new(cloudEvent, null);

    public static CloudEventReadResult Invalid(string error) => new(null, error);
}
