using System.Globalization;

namespace Serverless.Core.Configuration;

/// <summary>
/// Durations as Knative's config maps write them (Go's <c>time.ParseDuration</c>: "60s", "2m", "1m30s", "500ms", "1h")
/// or as .NET <see cref="TimeSpan"/> text ("00:01:00"), so a value copied from either world reads the same.
/// </summary>
public static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        if (trimmed.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out value);
        }

        return TryParseGo(trimmed, out value);
    }

    /// <summary>Writes the shortest Go-style text, as the validation messages quote it ("90s" → "1m30s").</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        var sign = value < TimeSpan.Zero ? "-" : "";
        var rest = value.Duration();
        var text = sign;
        if (rest.TotalHours >= 1)
        {
            text += ((long)rest.TotalHours).ToString(CultureInfo.InvariantCulture) + "h";
            rest -= TimeSpan.FromHours((long)rest.TotalHours);
        }

        if (rest.Minutes > 0)
        {
            text += rest.Minutes.ToString(CultureInfo.InvariantCulture) + "m";
            rest -= TimeSpan.FromMinutes(rest.Minutes);
        }

        if (rest.Ticks % TimeSpan.TicksPerSecond == 0)
        {
            return rest == TimeSpan.Zero ? text : text + rest.Seconds.ToString(CultureInfo.InvariantCulture) + "s";
        }

        // As Go does: below one second in all, milliseconds ("600ms"); otherwise fractional seconds ("1m0.5s").
        return value.Duration() < TimeSpan.FromSeconds(1)
            ? text + rest.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms"
            : text + rest.TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s";
    }

    private static bool TryParseGo(string text, out TimeSpan value)
    {
        value = default;
        var span = text.AsSpan();
        var negative = false;
        if (span[0] is '-' or '+')
        {
            negative = span[0] == '-';
            span = span[1..];
        }

        if (span.SequenceEqual("0"))
        {
            return true;
        }

        double totalSeconds = 0;
        var any = false;
        while (!span.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < span.Length && (char.IsAsciiDigit(span[numberLength]) || span[numberLength] == '.'))
            {
                numberLength++;
            }

            if (numberLength == 0
                || !double.TryParse(span[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            span = span[numberLength..];
            var unitLength = 0;
            while (unitLength < span.Length && !char.IsAsciiDigit(span[unitLength]) && span[unitLength] != '.')
            {
                unitLength++;
            }

            double? unitSeconds = span[..unitLength] switch
            {
                "h" => 3600,
                "m" => 60,
                "s" => 1,
                "ms" => 1e-3,
                "us" or "µs" => 1e-6,
                "ns" => 1e-9,
                _ => null,
            };
            if (unitSeconds is null)
            {
                return false; // a bare number has no unit, and Go rejects it too
            }

            totalSeconds += number * unitSeconds.Value;
            span = span[unitLength..];
            any = true;
        }

        if (!any || totalSeconds > TimeSpan.MaxValue.TotalSeconds)
        {
            return false;
        }

        value = TimeSpan.FromTicks((long)Math.Round(totalSeconds * TimeSpan.TicksPerSecond));
        if (negative)
        {
            value = -value;
        }

        return true;
    }
}
