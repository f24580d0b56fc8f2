namespace Serverless.Eventing.Binding;

/// <summary>Why a request is not a valid CloudEvent; each caller words it for its own clients.</summary>
internal enum BindingErrorKind
{
    /// <summary>A required attribute is absent, null or empty (<see cref="BindingError.Attribute"/>).</summary>
    MissingAttribute,

    /// <summary>A structured attribute that must be a JSON string is not one (<see cref="BindingError.Attribute"/>).</summary>
    NotAString,

    /// <summary>The specversion is not one the SDK knows (<see cref="BindingError.Detail"/> is the value sent).</summary>
    UnsupportedSpecVersion,

    /// <summary>A binary-mode attribute has a bad value (<see cref="BindingError.Attribute"/>, the SDK's message in <see cref="BindingError.Detail"/>).</summary>
    InvalidAttribute,

    /// <summary>Binary-mode data does not decode as its content type says (<see cref="BindingError.MediaType"/>, <see cref="BindingError.Detail"/>).</summary>
    InvalidData,

    /// <summary>A structured or batch body is not JSON (the parser's message in <see cref="BindingError.Detail"/>).</summary>
    NotJson,

    /// <summary>A structured event is not a JSON object.</summary>
    NotAnObject,

    /// <summary>A batch body is not a JSON array.</summary>
    NotAnArray,

    /// <summary>A batch holds no event.</summary>
    EmptyBatch,

    /// <summary>The SDK refused a structured event that passed the checks, e.g. a "time" that is no timestamp (<see cref="BindingError.Detail"/>).</summary>
    Invalid,
}
