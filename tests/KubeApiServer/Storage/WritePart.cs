namespace Serverless.KubeApiServer.Storage;

/// <summary>Which half of an object a write may change.</summary>
internal enum WritePart
{
    /// <summary>Metadata and spec; status is kept as stored when the kind has a status subresource.</summary>
    Main,

    /// <summary>Only status (the status subresource).</summary>
    Status,
}
