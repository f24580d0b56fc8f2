using Serverless.Core.Contracts;
using Serverless.Core.Defaulting;
using Serverless.Core.Validation;

namespace Serverless.Controller;

/// <summary>Settings of the controller.</summary>
public sealed class ControllerOptions
{
    /// <summary>Concurrent reconciliations (never two for the same key). Default 2.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>Every object is reconciled again this often even without a change. Default 30 s.</summary>
    public TimeSpan ResyncPeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The autoscaler's defaults the controller needs: the initial scale of a new revision (<c>initial-scale</c>).</summary>
    public ScaleDefaults ScaleDefaults { get; set; } = new();

    /// <summary>The platform's bounds a Function is checked against (<c>allow-zero-initial-scale</c> among them); none by default.</summary>
    public ScaleLimits ScaleLimits { get; set; } = ScaleLimits.None;

    /// <summary>The public URL of a function, or null while the ingress address is unknown.</summary>
    public Func<FunctionKey, string?> FunctionUrl { get; set; } = _ => null;

    /// <summary>The URL of a traffic tag of a function (local: <c>{ingress}/{namespace}/{function}@{tag}/</c>), or null while unknown.</summary>
    public Func<FunctionKey, string, string?> TagUrl { get; set; } = (_, _) => null;

    /// <summary>
    /// <c>rollout-duration</c> (Knative's config-network key): how long a new latest revision takes to get its whole
    /// share, in steps; a Function's <c>serverless.dev/rollout-duration</c> or <c>serving.knative.dev/rollout-duration</c>
    /// annotation overrides it. Default 0: the share moves at once, as Knative's.
    /// </summary>
    public TimeSpan RolloutDuration { get; set; }

    /// <summary>
    /// Whether every revision, the main one (largest share) included, runs as a workload keyed by its own name (issue
    /// #17, Knative's model: a promotion or rollback only moves weights and never restarts instances). False: the main
    /// revision runs under the Function's own key, the layout before it. Default false; the local platform sets it.
    /// </summary>
    public bool RevisionWorkloads { get; set; }

    /// <summary>How many revisions without traffic are kept (Knative's config-gc).</summary>
    public Reconcilers.Function.Revisions.RevisionRetention RevisionRetention { get; set; } = new();
}
