namespace Serverless.Cli.Build;

/// <summary>
/// One file of an artifact. <see cref="RelativePath"/> uses '/' on every OS so digests agree across
/// machines. A symbolic link is kept as a link (<see cref="LinkTarget"/>), as node_modules/.bin needs.
/// </summary>
internal sealed record ArtifactEntry(string RelativePath, string FullPath, string? LinkTarget)
{
    public bool IsLink => LinkTarget is not null;
}
