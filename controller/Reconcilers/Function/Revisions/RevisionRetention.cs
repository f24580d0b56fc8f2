namespace Serverless.Controller.Reconcilers.Function.Revisions;

/// <summary>
/// Knative's <c>config-gc</c>: how many revisions without traffic are kept. A non-active revision (no traffic, no tag,
/// neither the latest created nor the latest ready) is deleted once it is older than <see cref="RetainSinceCreateTime"/>
/// and more than <see cref="MinNonActiveRevisions"/> newer non-active ones exist; beyond <see cref="MaxNonActiveRevisions"/>
/// the oldest go whatever their age.
/// </summary>
public sealed class RevisionRetention
{
    /// <summary><c>retain-since-create-time</c>; default 48 h, as Knative's.</summary>
    public TimeSpan RetainSinceCreateTime { get; set; } = TimeSpan.FromHours(48);

    /// <summary><c>min-non-active-revisions</c>; default 20, as Knative's.</summary>
    public int MinNonActiveRevisions { get; set; } = 20;

    /// <summary><c>max-non-active-revisions</c>; default 1000, as Knative's.</summary>
    public int MaxNonActiveRevisions { get; set; } = 1000;
}
