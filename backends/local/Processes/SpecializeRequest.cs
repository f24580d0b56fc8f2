namespace Serverless.Backends.Local.Processes;

/// <summary>The body of <c>POST /specialize</c> (runtimes/README.md, "Specialization").</summary>
internal sealed record SpecializeRequest(string FunctionPath, string Handler, IReadOnlyDictionary<string, string> Env);
