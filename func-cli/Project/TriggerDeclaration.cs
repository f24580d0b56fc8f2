namespace Serverless.Cli.Project;

/// <summary>
/// A func.yaml <c>triggers:</c> entry: deliver the broker's events matching every filter attribute to this
/// function. <c>func deploy</c> applies each as a Trigger, as <c>func subscribe</c> would.
/// </summary>
/// <param name="Name">The Trigger's name; null for <c>{function}-{hash of broker and filters}</c>.</param>
internal sealed record TriggerDeclaration(string Broker, IReadOnlyDictionary<string, string> Filter, string? Name);
