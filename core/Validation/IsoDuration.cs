using System.Globalization;
using System.Text.RegularExpressions;

namespace Serverless.Core.Validation;

/// <summary>
/// ISO-8601 durations as Knative's delivery fields use them: <c>PT0.2S</c>, <c>PT30S</c>, <c>P1D</c>, <c>P1DT2H30M</c>.
/// Weeks, days, hours, minutes and seconds only: years and months have no fixed length, so a <see cref="TimeSpan"/>
/// cannot hold them faithfully. A fraction (<c>.</c> or <c>,</c>) is allowed on the last component, as ISO-8601 says.
/// Negative durations and anything else are refused.
/// </summary>
public static partial class IsoDuration
{
    /// <summary>Longer input is not a duration anyone writes; bounding it bounds the work.</summary>
    private const int MaxLength = 64;

    private static readonly decimal MaxSeconds = (decimal)TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerSecond;

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (text is null || text.Length > MaxLength)
        {
            return false;
        }

        var match = Pattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        (string Group, decimal Seconds)[] units =
        [
            ("w", 7 * 86_400m), ("d", 86_400m), ("h", 3_600m), ("m", 60m), ("s", 1m),
        ];

        decimal totalSeconds = 0;
        var components = 0;
        var fractionSeen = false;
        foreach (var (group, seconds) in units)
        {
            var value = match.Groups[group];
            if (!value.Success)
            {
                continue;
            }

            // A fraction is only allowed on the smallest component given.
            if (fractionSeen)
            {
                return false;
            }

            var number = value.Value.Replace(',', '.');
            fractionSeen = number.Contains('.', StringComparison.Ordinal);
            if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                return false;
            }

            // At most 5 components of < 1e18 times 604800 s each: far below decimal's 7.9e28, so no overflow.
            totalSeconds += amount * seconds;
            components++;
        }

        var hasTimePart = match.Groups["t"].Success;
        if (components == 0 || (hasTimePart && !(match.Groups["h"].Success || match.Groups["m"].Success || match.Groups["s"].Success)))
        {
            return false;
        }

        if (totalSeconds > MaxSeconds)
        {
            return false;
        }

        duration = TimeSpan.FromTicks((long)decimal.Truncate(totalSeconds * TimeSpan.TicksPerSecond));
        return true;
    }

    // Numbers are bounded to 18 integer and 9 fraction digits so decimal parsing cannot overflow on its own.
    [GeneratedRegex(
        @"^P(?:(?<w>[0-9]{1,18}(?:[.,][0-9]{1,9})?)W)?(?:(?<d>[0-9]{1,18}(?:[.,][0-9]{1,9})?)D)?" +
        @"(?<t>T(?:(?<h>[0-9]{1,18}(?:[.,][0-9]{1,9})?)H)?(?:(?<m>[0-9]{1,18}(?:[.,][0-9]{1,9})?)M)?(?:(?<s>[0-9]{1,18}(?:[.,][0-9]{1,9})?)S)?)?\z",
        RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
