namespace Serverless.Backends.Local.Processes;

/// <summary>Everything needed to start one instance process.</summary>
internal sealed record InstanceLaunch(
    string FileName,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment);
