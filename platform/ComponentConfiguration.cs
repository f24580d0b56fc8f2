using Serverless.Activator.Configuration;
using Serverless.Autoscaler.Configuration;
using Serverless.Backends.Local.Processes;
using Serverless.Eventing;

namespace Serverless.Platform;

/// <summary>
/// The validated sections of <c>config.json</c> (<see cref="PlatformConfiguration"/>); <see cref="Local"/> holds the
/// defaults in Kubernetes mode, which has no process backend.
/// </summary>
internal sealed record ComponentConfiguration(AutoscalerOptions Autoscaler, ActivatorOptions Activator, BrokerOptions Broker, LocalBackendOptions Local)
{
    /// <summary>Whether the file sets <c>activator.domain</c> (else <see cref="ActivatorOptions.Domain"/> is the default).</summary>
    public bool ActivatorDomainGiven { get; init; }

    /// <summary>The <c>gc</c> section: Knative's config-gc keys for old revisions.</summary>
    public Serverless.Controller.Reconcilers.Function.Revisions.RevisionRetention Gc { get; init; } = new();

    /// <summary>The <c>network</c> section: Knative's config-network <c>rollout-duration</c>.</summary>
    public Serverless.Controller.Reconcilers.Function.Revisions.RolloutSettings Network { get; init; } = new();
}
