namespace Serverless.Eventing.Binding;

/// <summary>
/// How binary-mode data becomes <c>CloudEvent.Data</c>. The two callers differ today, and each keeps its own rules
/// until CloudEvents fidelity is settled in one place (issue #15).
/// </summary>
internal enum BinaryDataDecoding
{
    /// <summary>
    /// The SDK's <c>JsonEventFormatter</c> rules, for the broker: no Content-Type or exactly <c>application/json</c> is
    /// parsed as JSON, <c>text/*</c> is a string in the declared charset, anything else (<c>+json</c> types included)
    /// stays bytes, so that the broker passes it on as it came.
    /// </summary>
    Formatter,

    /// <summary>
    /// The function runtimes' rules, for handlers (node and python decode alike): <c>application/json</c>,
    /// <c>text/json</c> and <c>*+json</c> are parsed as JSON, <c>text/*</c> is a UTF-8 string, anything else or no
    /// Content-Type stays bytes.
    /// </summary>
    MediaType,
}
