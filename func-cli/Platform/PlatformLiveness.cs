namespace Serverless.Cli.Platform;

internal enum PlatformLiveness
{
    /// <summary>No platform.json: nothing was started, or it shut down cleanly.</summary>
    NotRunning,

    /// <summary>platform.json names a process that is gone (killed, crashed, machine rebooted).</summary>
    Stale,

    /// <summary>The process lives but its admin API does not answer /readyz: starting, hung, or a reused pid.</summary>
    Unresponsive,

    Running,
}
