namespace Serverless.Runtime.Dotnet.Events;

/// <summary>How a request carries a CloudEvent (HTTP protocol binding 1.0), if it does.</summary>
internal enum CloudEventMode
{
    /// <summary>A plain request. Batch mode (<c>application/cloudevents-batch+json</c>) is one too: it is not decoded.</summary>
    None,

    /// <summary>Attributes in <c>ce-*</c> headers, the data in the body.</summary>
    Binary,

    /// <summary>The whole event as the <c>application/cloudevents+json</c> body.</summary>
    Structured,
}
