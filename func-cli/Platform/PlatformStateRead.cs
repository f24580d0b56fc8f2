namespace Serverless.Cli.Platform;

/// <summary>The outcome of reading platform.json: missing, unreadable (with why), or a state.</summary>
internal sealed record PlatformStateRead(PlatformState? State, string? Problem)
{
    public static readonly PlatformStateRead Missing = new(null, null);

    public bool IsMissing => State is null && Problem is null;
}
