using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Serverless.Eventing.Binding;

namespace Serverless.Runtime.Dotnet.Events;

/// <summary>
/// HttpRequest → <see cref="CloudNative.CloudEvents.CloudEvent"/> for a handler: binary and structured mode (a batch
/// is a plain request), binary data decoded by media type, and 400 details word for word those of the node and
/// python runtimes, so that the three answer alike. The binding itself is <see cref="HttpBindingReader"/>, shared
/// with the broker.
/// </summary>
internal static class CloudEventRequestReader
{
    public const string StructuredMediaType = BindingMediaTypes.Structured;
    public const string SpecVersion = "1.0";

    /// <inheritdoc cref="HttpBindingReader.Detect"/>
    public static CloudEventMode Detect(IHeaderDictionary headers) => HttpBindingReader.Detect(headers, acceptBatch: false);

    public static CloudEventReadResult Read(CloudEventMode mode, IHeaderDictionary headers, ReadOnlyMemory<byte> body)
    {
        if (mode is not (CloudEventMode.Binary or CloudEventMode.Structured))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "not an event");
        }

        var read = HttpBindingReader.Read(mode, headers, body, BinaryDataDecoding.MediaType);
        return read.Error is { } error ? CloudEventReadResult.Invalid(Describe(error)) : CloudEventReadResult.Valid(read.Events[0]);
    }

    private static string Describe(BindingError error) => error.Kind switch
    {
        BindingErrorKind.MissingAttribute => $"The CloudEvent is missing the required attribute \"{error.Attribute}\"",
        BindingErrorKind.NotAString => $"The CloudEvent attribute \"{error.Attribute}\" must be a string",
        BindingErrorKind.UnsupportedSpecVersion => $"The CloudEvent specversion \"{error.Detail}\" is not supported; this runtime accepts \"{SpecVersion}\"",
        BindingErrorKind.InvalidAttribute => $"The CloudEvent attribute \"{error.Attribute}\" is invalid: {error.Detail}",
        BindingErrorKind.InvalidData => $"The CloudEvent data is declared as {error.MediaType} but is not valid JSON: {error.Detail}",
        BindingErrorKind.NotJson => $"The structured CloudEvent is not valid JSON: {error.Detail}",
        BindingErrorKind.NotAnObject => "The structured CloudEvent must be a JSON object",
        BindingErrorKind.Invalid => $"The CloudEvent is invalid: {error.Detail}",
        _ => throw new UnreachableException($"a {error.Kind} error from a single event"),
    };
}
