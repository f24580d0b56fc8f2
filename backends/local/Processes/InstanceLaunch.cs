namespace Serverless.Backends.Local.Processes;

/// <summary>Everything needed to start one instance process.</summary>
/// <param name="Sandboxed">The command is bubblewrap: the runtime is its init's child, in namespaces of its own.</param>
/// <param name="OwnProcessGroup">Unsandboxed, the command starts with setsid: the instance's pid is its process group.</param>
internal sealed record InstanceLaunch(
    string FileName,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    bool Sandboxed = false,
    bool OwnProcessGroup = false);
