using Microsoft.Extensions.Configuration;
using Serverless.Core.Configuration;

namespace Serverless.Controller.Reconcilers.Function.Revisions;

/// <summary>
/// Knative's <c>config-gc</c> (the <c>gc</c> section of config.json): how many revisions without traffic are kept. A
/// non-active revision (no traffic, no tag, neither the latest created nor the latest ready) is deleted once it is
/// older than <see cref="RetainSinceCreateTime"/> and more than <see cref="MinNonActiveRevisions"/> newer non-active
/// ones exist; beyond <see cref="MaxNonActiveRevisions"/> the oldest go whatever their age.
/// </summary>
public sealed class RevisionRetention
{
    public const string RetainSinceCreateTimeKey = "retain-since-create-time";
    public const string MinNonActiveRevisionsKey = "min-non-active-revisions";
    public const string MaxNonActiveRevisionsKey = "max-non-active-revisions";

    /// <summary><c>retain-since-create-time</c>; default 48 h, as Knative's.</summary>
    public TimeSpan RetainSinceCreateTime { get; set; } = TimeSpan.FromHours(48);

    /// <summary><c>min-non-active-revisions</c>; default 20, as Knative's.</summary>
    public int MinNonActiveRevisions { get; set; } = 20;

    /// <summary><c>max-non-active-revisions</c>; default 1000, as Knative's.</summary>
    public int MaxNonActiveRevisions { get; set; } = 1000;

    /// <exception cref="InvalidOperationException">A value is unreadable or out of range; the message names every one.</exception>
    public static RevisionRetention Bind(IConfiguration section)
    {
        var options = new RevisionRetention();
        var values = new ConfigurationValues(section);
        values.Duration(RetainSinceCreateTimeKey, v => options.RetainSinceCreateTime = v);
        values.Integer(MinNonActiveRevisionsKey, v => options.MinNonActiveRevisions = v);
        values.Integer(MaxNonActiveRevisionsKey, v => options.MaxNonActiveRevisions = v);
        var problems = values.Problems.Count > 0 ? values.Problems : options.Check();
        return problems.Count == 0
            ? options
            : throw new InvalidOperationException("invalid gc configuration:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }

    /// <summary>Every out-of-range value as <c>min-non-active-revisions = -1, must be between 0 and 100000</c>.</summary>
    public IReadOnlyList<string> Check() => new OptionChecks()
        .Require(RetainSinceCreateTime >= TimeSpan.Zero, RetainSinceCreateTimeKey, RetainSinceCreateTime, "must be 0s or more")
        .Between(MinNonActiveRevisionsKey, MinNonActiveRevisions, 0, 100_000)
        .Between(MaxNonActiveRevisionsKey, MaxNonActiveRevisions, 0, 100_000)
        .Require(MaxNonActiveRevisions >= MinNonActiveRevisions, MaxNonActiveRevisionsKey, MaxNonActiveRevisions, $"must be at least {MinNonActiveRevisionsKey} ({MinNonActiveRevisions})")
        .Problems;
}
