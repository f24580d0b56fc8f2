using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Serverless.Core.Configuration;

/// <summary>
/// Reads one Knative-style key (<c>stable-window</c>, <c>queue-depth</c>) of a component's configuration section:
/// an absent key leaves the default alone, an unreadable one adds a problem naming key and value, so a caller can
/// report every bad value at once instead of the first. The generic binder would want property names and .NET text.
/// </summary>
public sealed class ConfigurationValues(IConfiguration section)
{
    private readonly List<string> _problems = [];

    /// <summary>Every unreadable value so far, one message each (<c>queue-depth = ten, must be a whole number</c>).</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>A Go (<c>60s</c>, <c>1m30s</c>) or .NET (<c>00:01:00</c>) duration.</summary>
    public void Duration(string key, Action<TimeSpan> set) => Read(key, set, (string text, out TimeSpan v) => DurationText.TryParse(text, out v), "a duration such as 60s, 2m or 00:01:00");

    /// <summary>A finite number in invariant culture.</summary>
    public void Number(string key, Action<double> set) => Read(
        key,
        set,
        (string text, out double v) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out v) && double.IsFinite(v),
        "a number");

    /// <summary>A 32-bit whole number.</summary>
    public void Integer(string key, Action<int> set) => Read(
        key, set, (string text, out int v) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out v), "a whole number");

    /// <summary>A byte count, plain (<c>1048576</c>) or with a Kubernetes binary suffix (<c>64Mi</c>, <c>512Ki</c>, <c>1Gi</c>).</summary>
    public void Bytes(string key, Action<long> set) => Read(key, set, TryParseBytes, "a byte count such as 1048576, 512Ki, 64Mi or 1Gi");

    /// <summary><c>true</c> or <c>false</c> (JSON's booleans reach configuration as that text).</summary>
    public void Boolean(string key, Action<bool> set) => Read(
        key, set, (string text, out bool v) => bool.TryParse(text.Trim(), out v), "true or false");

    /// <summary>Any non-empty text, trimmed.</summary>
    public void Text(string key, Action<string> set) => Read(
        key,
        set,
        (string text, out string v) =>
        {
            v = text.Trim();
            return v.Length > 0;
        },
        "non-empty text");

    private void Read<T>(string key, Action<T> set, TryParse<T> parse, string expected)
    {
        if (section[key] is not { } text)
        {
            return;
        }

        if (parse(text, out var value))
        {
            set(value);
        }
        else
        {
            _problems.Add($"{key} = {text}, must be {expected}");
        }
    }

    private static bool TryParseBytes(string text, out long value)
    {
        var trimmed = text.Trim();
        var (digits, multiplier) = trimmed switch
        {
            _ when trimmed.EndsWith("Ki", StringComparison.Ordinal) => (trimmed[..^2], 1L << 10),
            _ when trimmed.EndsWith("Mi", StringComparison.Ordinal) => (trimmed[..^2], 1L << 20),
            _ when trimmed.EndsWith("Gi", StringComparison.Ordinal) => (trimmed[..^2], 1L << 30),
            _ => (trimmed, 1L),
        };
        value = 0;
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > long.MaxValue / multiplier)
        {
            return false;
        }

        value = count * multiplier;
        return true;
    }

    private delegate bool TryParse<T>(string text, out T value);
}
