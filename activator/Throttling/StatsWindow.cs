namespace Serverless.Activator.Throttling;

/// <summary>One reporting interval of a function, concurrency counting requests in flight plus queued.</summary>
internal readonly record struct StatsWindow(
    double AverageConcurrency,
    int PeakConcurrency,
    double RequestsPerSecond,
    int Requests,
    int InFlight,
    int QueueDepth,
    IReadOnlyDictionary<string, int>? Instances = null)
{
    /// <summary>True when anything happened in the window or something is still in flight or queued.</summary>
    public bool HasActivity => PeakConcurrency > 0 || Requests > 0 || InFlight > 0 || QueueDepth > 0;
}
