namespace Serverless.KubeApiServer.Storage;

/// <summary>Which page of which state a list reads.</summary>
/// <param name="AtVersion">Read the state as of this resourceVersion (Exact, or a continue token's); null for the current state.</param>
/// <param name="After">Start after this key (name, or namespace/name across namespaces): a continue token's position.</param>
/// <param name="Limit">At most this many items; null for all.</param>
internal sealed record ListQuery(long? AtVersion = null, string? After = null, int? Limit = null);
