using CloudNative.CloudEvents;

namespace Function;

/// <summary>
/// A CloudEvents function. An incoming event (binary or structured mode) arrives as the CloudEvent
/// parameter; a request that is no event is answered 400 (declare it CloudEvent? to take plain requests too).
/// Returning a CloudEvent sends it back in binary mode (the platform's broker re-ingests it); returning
/// null answers 204 (event consumed, no reply).
/// </summary>
public static class Handler
{
    /// <summary>Identifies this function as the source of the events it sends: make it yours.</summary>
    private static readonly Uri Source = new("urn:serverless:function:example");

    public static CloudEvent? Handle(CloudEvent cloudEvent) => new()
    {
        Type = cloudEvent.Type + ".processed",
        Source = Source,
        // Id is generated when left out.
        DataContentType = "application/json",
        Data = new { original = cloudEvent.Id, data = cloudEvent.Data },
    };
}
