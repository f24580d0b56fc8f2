namespace Serverless.Cli.Commands;

internal enum ReadinessState
{
    /// <summary>The controller has not caught up with the spec yet, or instances are still starting.</summary>
    Pending,

    Ready,

    /// <summary>Ready is False for a reason that waiting will not fix.</summary>
    Failed,
}
