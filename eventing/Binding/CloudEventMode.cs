namespace Serverless.Eventing.Binding;

/// <summary>How a request carries CloudEvents (HTTP protocol binding 1.0), if it does.</summary>
internal enum CloudEventMode
{
    /// <summary>A plain request.</summary>
    None,

    /// <summary>Attributes in <c>ce-*</c> headers, the data in the body.</summary>
    Binary,

    /// <summary>The whole event as the <c>application/cloudevents+json</c> body.</summary>
    Structured,

    /// <summary>Events as an <c>application/cloudevents-batch+json</c> array; only for readers that accept batches.</summary>
    Batch,
}
