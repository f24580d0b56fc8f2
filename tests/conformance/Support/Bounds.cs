namespace Serverless.Conformance.Tests.Support;

/// <summary>Upper bounds for every wait on a real process; generous because CI machines are slow and shared.</summary>
internal static class Bounds
{
    public static readonly TimeSpan Startup = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Request = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Exit = TimeSpan.FromSeconds(30);

    /// <summary>Between polls of a real process (readiness, metrics).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);
}
