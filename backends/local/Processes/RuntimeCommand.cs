namespace Serverless.Backends.Local.Processes;

/// <summary>
/// How to start one language runtime: an executable (a path, or a name looked up on <c>PATH</c>) and the
/// arguments that always precede nothing else: the runtime learns port, source and handler from its environment.
/// </summary>
public sealed record RuntimeCommand(string Executable, IReadOnlyList<string> Arguments);
