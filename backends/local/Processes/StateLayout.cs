using Serverless.Core.Contracts;

namespace Serverless.Backends.Local.Processes;

/// <summary>Where the backend keeps its files under the state directory.</summary>
internal sealed class StateLayout
{
    public StateLayout(string stateDirectory)
    {
        Root = Path.GetFullPath(stateDirectory);
    }

    public string Root { get; }

    public string InstancesDirectory => Path.Combine(Root, "instances");

    public string LogDirectory(FunctionKey key) => Path.Combine(Root, "logs", key.Namespace, key.Name);

    public string LogPath(FunctionKey key, string instanceId) => Path.Combine(LogDirectory(key), instanceId + ".log");

    /// <summary>
    /// Whose log directory a workload's instances write to: a revision's workload (issue #17) writes to its Function's,
    /// so that <c>func logs</c> shows every revision's instances merged by time, as it showed the Function's.
    /// </summary>
    public static FunctionKey LogOwner(FunctionKey key, WorkloadSpec? spec) =>
        spec?.Function is { } function ? new FunctionKey(key.Namespace, function) : key;

    public string PidFilePath(string instanceId) => Path.Combine(InstancesDirectory, instanceId + ".pid");

    /// <summary>Where sandboxed pool instances' function directories are staged: inside the state directory, which no instance sees.</summary>
    public string StagingRoot => Path.Combine(Root, "pool-staging");

    /// <summary>A sandboxed pool instance's function directory, empty until its specialization fills it.</summary>
    public string StagingDirectory(string instanceId) => Path.Combine(StagingRoot, instanceId);
}
