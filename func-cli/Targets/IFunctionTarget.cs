using Serverless.Cli.App;
using Serverless.Cli.Build;
using Serverless.Core.Api;

namespace Serverless.Cli.Targets;

/// <summary>
/// Where functions live: the local platform (its admin API, found through <c>func up</c>'s state file)
/// or a Kubernetes cluster (kubeconfig). Every command talks to the platform through this seam only,
/// so a target is the whole difference between <c>func deploy</c> and <c>func deploy --kube</c>.
/// </summary>
/// <remarks>
/// Contract for implementations:
/// <list type="bullet">
/// <item>Failures the user can act on throw <see cref="CliException"/> with a hint saying what
/// to do next (an unreachable target: "the local platform is not running: run `func up`", or
/// "cannot reach cluster X: check `kubectl config current-context`").</item>
/// <item>A missing function is <c>null</c> from <see cref="GetAsync"/>, <c>false</c> from
/// <see cref="DeleteAsync"/> and <see cref="FunctionNotFoundException"/> from the rest.</item>
/// <item>Names and namespaces arrive validated (DNS-1123 labels); the Function passed to
/// <see cref="ApplyAsync"/> has passed <c>func.yaml</c> validation but not the server's.</item>
/// <item>A target is created per command and disposed at its end; it need not be thread-safe.</item>
/// </list>
/// </remarks>
internal interface IFunctionTarget : IAsyncDisposable
{
    /// <summary>Shown in messages: "local platform at http://127.0.0.1:8081", "Kubernetes context kind-dev".</summary>
    string Description { get; }

    /// <summary>The namespace when neither <c>--namespace</c> nor func.yaml gives one: <c>default</c> locally, the kubeconfig context's on Kubernetes.</summary>
    string DefaultNamespace { get; }

    /// <summary>
    /// Makes the artifact available to the target and creates the Function, or replaces the spec of the
    /// existing one (keeping its metadata, retrying on a resourceVersion conflict). The target sets
    /// <c>spec.source</c>: locally the content-addressed directory under the home
    /// (<see cref="ArtifactStore"/>); on Kubernetes a ConfigMap named after the digest.
    /// </summary>
    /// <param name="desired">Metadata name and namespace set; <c>spec.source</c> is ignored and overwritten.</param>
    /// <param name="artifact">The built files and their digest; the caller disposes it after the call.</param>
    Task<AppliedFunction> ApplyAsync(Function desired, PreparedArtifact artifact, CancellationToken cancellationToken);

    /// <summary>The Function with its status, or null when it does not exist.</summary>
    Task<Function?> GetAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>Functions of one namespace, or of every namespace when <paramref name="namespace"/> is null. Any order.</summary>
    Task<IReadOnlyList<Function>> ListAsync(string? @namespace, CancellationToken cancellationToken);

    /// <summary>Replaces the Function's <c>spec.traffic</c> (null: 100% latest), keeping the rest of its spec; throws <see cref="FunctionNotFoundException"/> when it does not exist.</summary>
    Task<Function> SetTrafficAsync(string @namespace, string name, IList<TrafficTarget>? traffic, CancellationToken cancellationToken);

    /// <summary>Sets one annotation of the Function (null removes it), keeping the rest; throws <see cref="FunctionNotFoundException"/> when it does not exist.</summary>
    Task<Function> SetAnnotationAsync(string @namespace, string name, string key, string? value, CancellationToken cancellationToken);

    /// <summary>The Revisions of one Function (label <c>serverless.dev/function</c>), any order; empty when it has none.</summary>
    Task<IReadOnlyList<Revision>> ListRevisionsAsync(string @namespace, string function, CancellationToken cancellationToken);

    /// <summary>Deletes the Function (its instances drain); false when it did not exist.</summary>
    Task<bool> DeleteAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>Creates the Trigger, or replaces the spec of the existing one of that name; returns what is stored.</summary>
    Task<Trigger> ApplyTriggerAsync(Trigger trigger, CancellationToken cancellationToken);

    /// <summary>
    /// The function's log lines over all its instances, merged in time order, each tagged with its instance
    /// (pod name on Kubernetes). Without <see cref="LogRequest.Follow"/> the sequence ends after the snapshot;
    /// with it, it goes on until <paramref name="cancellationToken"/> is cancelled (which ends it quietly, without throwing).
    /// </summary>
    /// <exception cref="FunctionNotFoundException">No such function.</exception>
    IAsyncEnumerable<LogLine> LogsAsync(string @namespace, string name, LogRequest request, CancellationToken cancellationToken);

    /// <summary>One snapshot of every function's live figures, for <c>func top</c>. Any order.</summary>
    /// <exception cref="CliException">The target cannot report them (say what is missing, e.g. metrics-server).</exception>
    Task<IReadOnlyList<FunctionStats>> GetStatsAsync(CancellationToken cancellationToken);

    /// <summary>The URL requests to the function are sent to (<c>func invoke</c>); its path ends with '/'.</summary>
    /// <exception cref="FunctionNotFoundException">No such function (targets that need its status to know).</exception>
    Task<Uri> GetFunctionUrlAsync(string @namespace, string name, CancellationToken cancellationToken);

    /// <summary>The broker's CloudEvents ingress, <c>…/brokers/{namespace}/{broker}</c>, that <c>func invoke --broker</c> POSTs to.</summary>
    Task<Uri> GetBrokerUrlAsync(string @namespace, string broker, CancellationToken cancellationToken);
}
