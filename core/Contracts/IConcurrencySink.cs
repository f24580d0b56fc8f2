namespace Serverless.Core.Contracts;

/// <summary>
/// Receives the activator's per-second samples. In process locally; over HTTP when the activator
/// and the autoscaler run in separate pods. Implementations must not block: the reporter calls it
/// on its timer.
/// </summary>
public interface IConcurrencySink
{
    void Report(ConcurrencySample sample);

    /// <summary>
    /// Called after each reporting pass (every function's sample of one interval): a sink that sends over
    /// the network sends the pass as one batch now. Must not block either.
    /// </summary>
    void Flush()
    {
    }
}
