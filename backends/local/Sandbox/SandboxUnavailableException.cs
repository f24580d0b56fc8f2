namespace Serverless.Backends.Local.Sandbox;

/// <summary>
/// The sandbox is on but does not work on this machine. The message says what to install or enable, and how to turn
/// the sandbox off explicitly; the platform refuses to run functions rather than run them unsandboxed.
/// </summary>
public sealed class SandboxUnavailableException : Exception
{
    public SandboxUnavailableException()
    {
    }

    public SandboxUnavailableException(string message)
        : base(message)
    {
    }

    public SandboxUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
