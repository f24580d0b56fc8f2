namespace Serverless.Cli.App;

/// <summary>
/// A failure the user can act on: printed as "error: message", the details indented below it and
/// the hint last, with exit code 1. Anything else escaping a command is a bug and shows its stack.
/// </summary>
internal class CliException : Exception
{
    public CliException(string message, string? hint = null, IReadOnlyList<string>? details = null, Exception? inner = null)
        : base(message, inner)
    {
        Hint = hint;
        Details = details ?? [];
    }

    /// <summary>What to do next, e.g. "run `func up`".</summary>
    public string? Hint { get; }

    public IReadOnlyList<string> Details { get; }
}
