using System.Globalization;

namespace Serverless.Core.Configuration;

/// <summary>
/// Collects the out-of-range values of one component's options, each as Knative words it:
/// <c>{key} = {value}, {rule}</c> (<c>max-scale-up-rate = 0.5, must be greater than 1.0</c>), so every component
/// reports every bad value at once, naming the key, the value and the allowed range.
/// </summary>
public sealed class OptionChecks
{
    private readonly List<string> _problems = [];

    /// <summary>Every problem so far, in the order checked.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Adds <c>{key} = {value}, {rule}</c> unless <paramref name="valid"/>.</summary>
    public OptionChecks Require(bool valid, string key, string value, string rule)
    {
        if (!valid)
        {
            _problems.Add($"{key} = {value}, {rule}");
        }

        return this;
    }

    /// <summary>A whole number, written in invariant culture.</summary>
    public OptionChecks Require(bool valid, string key, long value, string rule) =>
        Require(valid, key, value.ToString(CultureInfo.InvariantCulture), rule);

    /// <summary>A number, written in invariant culture.</summary>
    public OptionChecks Require(bool valid, string key, double value, string rule) =>
        Require(valid, key, value.ToString(CultureInfo.InvariantCulture), rule);

    /// <summary>A duration, written as the configuration takes it (<c>60s</c>, <c>1m30s</c>).</summary>
    public OptionChecks Require(bool valid, string key, TimeSpan value, string rule) =>
        Require(valid, key, DurationText.Format(value), rule);

    /// <summary><c>must be between {min} and {max}</c>, both included.</summary>
    public OptionChecks Between(string key, long value, long min, long max) =>
        Require(value >= min && value <= max, key, value, $"must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}");

    /// <summary><c>must be greater than 0s</c>.</summary>
    public OptionChecks Positive(string key, TimeSpan value) => Require(value > TimeSpan.Zero, key, value, "must be greater than 0s");

    /// <summary>Adds a problem that is not about one value's range (a missing setting, an empty entry).</summary>
    public OptionChecks Add(string problem)
    {
        _problems.Add(problem);
        return this;
    }
}
