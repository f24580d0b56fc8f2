namespace Serverless.Cli.App;

public static class ExitCodes
{
    public const int Ok = 0;

    public const int Failure = 1;

    /// <summary>The command line did not parse (unknown option, missing argument, bad value).</summary>
    public const int Usage = 2;

    /// <summary>Interrupted by Ctrl+C, as shells report a SIGINT death (128 + 2).</summary>
    public const int Interrupted = 130;
}
