namespace Serverless.KubeApiServer.Storage;

/// <summary>DeleteOptions.preconditions: the delete happens only if the stored object still has this uid and resourceVersion.</summary>
internal sealed record DeletePreconditions(string? Uid, string? ResourceVersion);
