using Microsoft.Extensions.Configuration;
using Serverless.Core.Configuration;

namespace Serverless.Controller.Reconcilers.Function.Revisions;

/// <summary>
/// The <c>network</c> section of config.json, as Knative's <c>config-network</c> holds the same key:
/// <c>{"network": {"rollout-duration": "5m"}}</c>.
/// </summary>
public sealed class RolloutSettings
{
    public const string RolloutDurationKey = "rollout-duration";

    /// <summary><c>rollout-duration</c>; default 0s (a new revision takes its share at once), as Knative's.</summary>
    public TimeSpan RolloutDuration { get; set; }

    /// <exception cref="InvalidOperationException">A value is unreadable or out of range; the message names it.</exception>
    public static RolloutSettings Bind(IConfiguration section)
    {
        var options = new RolloutSettings();
        var values = new ConfigurationValues(section);
        values.Duration(RolloutDurationKey, v => options.RolloutDuration = v);
        var problems = values.Problems.Count > 0 ? values.Problems : options.Check();
        return problems.Count == 0
            ? options
            : throw new InvalidOperationException("invalid network configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }

    /// <summary>Every out-of-range value as <c>rollout-duration = -1s, must be between 0s and 24h</c>.</summary>
    public IReadOnlyList<string> Check() => new OptionChecks()
        .Require(RolloutDuration >= TimeSpan.Zero && RolloutDuration <= Core.Traffic.RolloutDuration.Max, RolloutDurationKey, RolloutDuration, "must be between 0s and 24h")
        .Problems;
}
