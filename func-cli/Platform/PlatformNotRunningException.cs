using Serverless.Cli.App;

namespace Serverless.Cli.Platform;

internal sealed class PlatformNotRunningException : CliException
{
    public const string DefaultMessage = "the local platform is not running: run `func up`";

    public PlatformNotRunningException(string? why = null, Exception? inner = null)
        : base(DefaultMessage, hint: null, details: why is null ? [] : [why], inner)
    {
    }
}
