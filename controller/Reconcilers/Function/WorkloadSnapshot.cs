using Serverless.Core.Contracts;

namespace Serverless.Controller.Reconcilers.Function;

/// <summary>
/// The workloads' statuses as one reconcile pass sees them: each read once, so that the route it plans, the Revision
/// statuses and the Function status it writes all describe the same moment. A pass that read a Deployment not ready
/// when planning and ready when writing wrote a Revision Ready without traffic and a Function Ready=Unknown beside
/// WorkloadReady=True, and the next pass corrected both: two writes each that said nothing lasting. A change that
/// arrives during the pass starts the next one.
/// </summary>
/// <remarks>Per pass, on one worker: not thread-safe.</remarks>
internal sealed class WorkloadSnapshot(IWorkloadManager workloads)
{
    private readonly Dictionary<FunctionKey, WorkloadStatus?> _seen = [];

    public WorkloadStatus? Get(FunctionKey key)
    {
        if (!_seen.TryGetValue(key, out var status))
        {
            status = workloads.GetStatus(key);
            _seen[key] = status;
        }

        return status;
    }

    /// <summary>
    /// After the pass ensured <paramref name="key"/>'s workload: one that did not exist is read again (the backend knows
    /// what it just created); one that existed keeps the view the pass decided on.
    /// </summary>
    public void Ensured(FunctionKey key)
    {
        if (_seen.TryGetValue(key, out var status) && status is null)
        {
            _seen.Remove(key);
        }
    }
}
