namespace Serverless.Cli.Tests.Fakes;

/// <summary>A clock stopped at one instant; timers and timestamps stay real, so waits still end.</summary>
internal sealed class FixedTimeProvider : TimeProvider
{
    private readonly DateTimeOffset _now;

    public FixedTimeProvider(DateTimeOffset now)
    {
        _now = now;
    }

    public override DateTimeOffset GetUtcNow() => _now;
}
