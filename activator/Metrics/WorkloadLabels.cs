using System.Collections.Concurrent;
using System.Globalization;
using Prometheus;
using Serverless.Core.Contracts;

namespace Serverless.Activator.Metrics;

/// <summary>
/// The metric labels of one workload: <c>function</c>, the Function it serves (<c>namespace/name</c>, as before every
/// revision ran as its own workload), and <c>revision</c>, the Revision it runs (<c>hello-00002</c>, Knative's
/// <c>revision_name</c>), with the labelled children the request path and the reporter use, built once per workload
/// and never per request.
/// </summary>
/// <remarks>
/// Immutable labels: a workload that starts running another revision (the Function's own key on a backend that runs
/// its main revision there) gets a new instance. Once <see cref="Retired"/> its series are removed from the registry
/// and its children are orphans, so it is never used again for new series. Thread-safe.
/// </remarks>
internal sealed class WorkloadLabels
{
    private readonly Counter _requests;
    private readonly Counter.Child _ok;
    private readonly ConcurrentDictionary<int, Counter.Child> _byCode = new();
    private volatile bool _retired;

    public WorkloadLabels(FunctionKey function, string revision, ActivatorMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        Function = function;
        FunctionLabel = function.ToString();
        Revision = revision;
        _requests = metrics.RequestsTotal;
        _ok = _requests.WithLabels(FunctionLabel, Revision, "200");
        InFlight = metrics.InFlight.WithLabels(FunctionLabel, Revision);
        QueueDepth = metrics.QueueDepth.WithLabels(FunctionLabel, Revision);
        ReadyInstances = metrics.ReadyInstances.WithLabels(FunctionLabel, Revision);
    }

    /// <summary>The Function the workload serves.</summary>
    public FunctionKey Function { get; }

    /// <summary>The <c>function</c> label: <c>namespace/name</c> of the Function.</summary>
    public string FunctionLabel { get; }

    /// <summary>The <c>revision</c> label: the Revision's name; empty while the Function has none known yet.</summary>
    public string Revision { get; }

    public Gauge.Child InFlight { get; }

    public Gauge.Child QueueDepth { get; }

    public Gauge.Child ReadyInstances { get; }

    /// <summary>True once the workload's series were removed (its revision is no longer routed and has drained).</summary>
    public bool Retired => _retired;

    public bool Is(FunctionKey function, string revision) => Function == function && string.Equals(Revision, revision, StringComparison.Ordinal);

    /// <summary>The requests counter labelled with this workload and <paramref name="status"/>.</summary>
    public Counter.Child Requests(int status) =>
        status == 200 ? _ok : _byCode.GetOrAdd(status, static (code, self) => self._requests.WithLabels(self.FunctionLabel, self.Revision, code.ToString(CultureInfo.InvariantCulture)), this);

    internal void MarkRetired() => _retired = true;
}
