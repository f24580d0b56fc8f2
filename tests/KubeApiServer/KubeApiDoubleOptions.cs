using System.Text.Json.Nodes;
using Serverless.KubeApiServer.Validation;
using Serverless.KubeApiServer.Validation.Cel;

namespace Serverless.KubeApiServer;

public sealed class KubeApiDoubleOptions
{
    /// <summary>Clock for timestamps, watch timeouts, bookmarks and the garbage collector. Default: the system clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Changes kept for watches to resume from and old lists to be rebuilt from. A watch from an older
    /// resourceVersion gets 410 Gone. Default 100,000 (a real etcd keeps about five minutes).
    /// </summary>
    public int HistoryLimit { get; init; } = 100_000;

    /// <summary>Events a watch may have queued unread before it is ended with 410 Gone. Default 10,000.</summary>
    public int WatchBufferLimit { get; init; } = 10_000;

    /// <summary>
    /// A BOOKMARK goes at this interval to every watch that asked for bookmarks, as a real server sends one about
    /// every minute. Default one minute; null for none (then only <see cref="KubeApiDouble.SendBookmarks"/> sends them).
    /// </summary>
    public TimeSpan? BookmarkInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Whether a create into a namespace that does not exist creates the namespace first. Default true, a test
    /// convenience (tests then need not create namespaces); false answers <c>404 namespaces "x" not found</c> as a
    /// real server does. default, kube-system, kube-public and kube-node-lease always exist.
    /// </summary>
    public bool AutoCreateNamespaces { get; init; } = true;

    /// <summary>
    /// How long after a Foreground or Orphan delete the garbage collector lifts its finalizer (the dependents are
    /// deleted or orphaned at once). Default 100 ms: a real collector acts within milliseconds to a second, and the
    /// owner is seen with its deletionTimestamp meanwhile.
    /// </summary>
    public TimeSpan GarbageCollectionDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Evaluates the CRDs' <c>x-kubernetes-validations</c> (CEL) rules on writes. Default:
    /// <see cref="CelValidationRules.Instance"/>, a real CEL engine in a Node.js process started on the first rule
    /// evaluated (its npm packages must be installed: <c>./test</c> runs <c>npm ci</c>);
    /// <see cref="NoValidationRules.Instance"/> checks the schema only.
    /// </summary>
    public IValidationRuleEvaluator ValidationRules { get; init; } = CelValidationRules.Instance;

    /// <summary>
    /// CustomResourceDefinition manifests (as JSON) that replace deploy/crds' definition of the same group, version
    /// and plural for storage (validation, defaulting, pruning), as a server that has another revision of a CRD
    /// installed serves it. Default none. The recording replays use it to serve the CRD the recordings were made
    /// with, so that a schema changed since then is not taken for a difference of the double.
    /// </summary>
    public IReadOnlyList<JsonObject> CustomResourceDefinitions { get; init; } = [];
}
