using Serverless.Core.Api;
using Serverless.Core.Configuration;
using Serverless.Core.Validation;

namespace Serverless.Core.Traffic;

/// <summary>
/// A Function's own rollout duration: Knative's annotation <c>serving.knative.dev/rollout-duration</c> or ours,
/// <c>serverless.dev/rollout-duration</c> (ours wins when both are set), a duration such as <c>380s</c> or <c>5m</c>;
/// without either the platform's <c>rollout-duration</c> applies.
/// </summary>
public static class RolloutDuration
{
    public const string Annotation = "serverless.dev/rollout-duration";
    public const string KnativeAnnotation = "serving.knative.dev/rollout-duration";

    /// <summary>Knative's bound, a day: a longer rollout is a typo more often than a plan.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromHours(24);

    /// <summary>The Function's duration when an annotation sets a valid one, else <paramref name="platformDefault"/>.</summary>
    public static TimeSpan Of(Function function, TimeSpan platformDefault)
    {
        ArgumentNullException.ThrowIfNull(function);
        foreach (var key in (ReadOnlySpan<string>)[Annotation, KnativeAnnotation])
        {
            if (function.Metadata?.Annotations?.TryGetValue(key, out var text) == true && Parse(text) is { } value)
            {
                return value;
            }
        }

        return platformDefault;
    }

    /// <summary>Each annotation that is set must read as a duration from 0s to 24h.</summary>
    internal static void Validate(IDictionary<string, string>? annotations, FieldPath path, ErrorList errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var key in (ReadOnlySpan<string>)[Annotation, KnativeAnnotation])
        {
            if (annotations?.TryGetValue(key, out var text) == true && Parse(text) is null)
            {
                errors.Add(path.Key(key), $"must be a duration from 0s to 24h such as 380s or 5m, got {ErrorList.Quote(text)}");
            }
        }
    }

    private static TimeSpan? Parse(string? text) =>
        DurationText.TryParse(text, out var value) && value >= TimeSpan.Zero && value <= Max ? value : null;
}
