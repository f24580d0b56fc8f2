using System.Globalization;

namespace Serverless.Cli.Output;

/// <summary>
/// kubectl's human duration (k8s.io/apimachinery duration.HumanDuration): precise while an age is
/// young, coarser as it grows, e.g. 45s, 5m30s, 42m, 5h30m, 30h, 3d4h, 120d, 3y10d.
/// </summary>
internal static class AgeFormatter
{
    public static string Format(TimeSpan age)
    {
        var seconds = (long)Math.Floor(age.TotalSeconds);
        if (seconds < -1)
        {
            // A creation time in the future means clocks disagree; say so rather than print a negative age.
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 60 * 2)
        {
            return Invariant($"{seconds}s");
        }

        var minutes = seconds / 60;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? Invariant($"{minutes}m") : Invariant($"{minutes}m{s}s");
        }

        if (minutes < 60 * 3)
        {
            return Invariant($"{minutes}m");
        }

        var hours = minutes / 60;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? Invariant($"{hours}h") : Invariant($"{hours}h{m}m");
        }

        if (hours < 48)
        {
            return Invariant($"{hours}h");
        }

        var days = hours / 24;
        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? Invariant($"{days}d") : Invariant($"{days}d{h}h");
        }

        if (hours < 24 * 365 * 2)
        {
            return Invariant($"{days}d");
        }

        var years = days / 365;
        if (hours < 24 * 365 * 8)
        {
            var d = days % 365;
            return d == 0 ? Invariant($"{years}y") : Invariant($"{years}y{d}d");
        }

        return Invariant($"{years}y");
    }

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
