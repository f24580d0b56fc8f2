namespace Serverless.Core.Contracts;

/// <summary>
/// Receives the activator's per-second samples. In process locally; over HTTP when the activator
/// and the autoscaler run in separate pods. Implementations must not block: the reporter calls it
/// on its timer.
/// </summary>
public interface IConcurrencySink
{
    void Report(ConcurrencySample sample);
}
