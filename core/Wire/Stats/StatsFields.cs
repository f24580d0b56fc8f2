namespace Serverless.Core.Wire.Stats;

/// <summary>
/// The JSON field names of the statistics link, in one place: the records here carry them, and the autoscaler's
/// validating reader looks them up itself (it reads the body without the serializer, so that a bad body gets a
/// message naming the field by its path, <c>samples[2].time: …</c>).
/// </summary>
public static class StatsFields
{
    public const string Activator = "activator";
    public const string Samples = "samples";
    public const string Namespace = "namespace";
    public const string Name = "name";
    public const string Time = "time";
    public const string AverageConcurrency = "averageConcurrency";
    public const string PeakConcurrency = "peakConcurrency";
    public const string RequestsPerSecond = "requestsPerSecond";
    public const string QueueDepth = "queueDepth";
    public const string InFlight = "inFlight";
    public const string Instances = "instances";
    public const string Autoscaler = "autoscaler";
    public const string Error = "error";
}
