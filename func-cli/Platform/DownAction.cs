namespace Serverless.Cli.Platform;

internal enum DownAction
{
    /// <summary>No state file: nothing to stop.</summary>
    NothingToStop,

    /// <summary>The state file is left over (dead pid, unreadable, or a pid now used by another program): remove it.</summary>
    RemoveStaleState,

    /// <summary>SIGTERM the pid, wait for it to drain and exit.</summary>
    Terminate,
}
