using System.CommandLine.Parsing;

namespace Serverless.Cli.App;

/// <summary>
/// For option validators. A value that does not convert (<c>--tail 999999999999</c> for an <see cref="int"/>) is the
/// parser's error to report, as "Cannot parse argument …"; <see cref="OptionResult.GetValueOrDefault{T}"/> throws for
/// it, and a throw inside a validator ends the process unhandled (exit 134).
/// </summary>
internal static class OptionValues
{
    /// <summary>The converted value; false (and nothing to check) when the text does not convert.</summary>
    public static bool TryGet<T>(OptionResult result, out T? value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }
}
