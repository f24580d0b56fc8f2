using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Serverless.Deploy.Tests.Schema;

/// <summary>
/// The API server evaluates <c>pattern</c> and CEL <c>matches()</c> with Go's RE2, an unanchored search. The CRDs use
/// only syntax both engines read alike, except that RE2's <c>$</c> (without the m flag) matches at the very end
/// only, while .NET's also matches before a final newline: a trailing <c>$</c> becomes <c>\z</c>.
/// </summary>
internal static class Re2Pattern
{
    private static readonly ConcurrentDictionary<string, Regex> Cache = new(StringComparer.Ordinal);

    public static bool IsMatch(string pattern, string value) => Cache.GetOrAdd(pattern, Compile).IsMatch(value);

    private static Regex Compile(string pattern)
    {
        var translated = pattern;
        if (pattern.EndsWith('$') && !EndsEscaped(pattern))
        {
            translated = pattern[..^1] + @"\z";
        }

        // RE2 runs in linear time; the timeout keeps a pattern that backtracks badly in .NET from hanging a test.
        return new Regex(translated, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(2));
    }

    /// <summary>Whether the final '$' is preceded by an odd number of backslashes (a literal dollar).</summary>
    private static bool EndsEscaped(string pattern)
    {
        var backslashes = 0;
        for (var i = pattern.Length - 2; i >= 0 && pattern[i] == '\\'; i--)
        {
            backslashes++;
        }

        return backslashes % 2 == 1;
    }
}
