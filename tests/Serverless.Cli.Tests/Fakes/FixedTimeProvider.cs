namespace Serverless.Cli.Tests.Fakes;

/// <summary>A clock stopped at one instant; timers and timestamps stay real, so waits still end.</summary>
internal sealed class FixedTimeProvider : TimeProvider
{
    private readonly DateTimeOffset now;

    public FixedTimeProvider(DateTimeOffset now)
    {
        this.now = now;
    }

    public override DateTimeOffset GetUtcNow() => now;
}
