namespace Serverless.Cli.Build;

/// <summary>An artifact ready to install: its files and digest, plus a build directory to remove afterwards.</summary>
internal sealed class PreparedArtifact : IDisposable
{
    private readonly string? _temporaryDirectory;

    public PreparedArtifact(string root, IReadOnlyList<ArtifactEntry> entries, string? temporaryDirectory)
    {
        Root = root;
        Entries = entries;
        Digest = ContentDigest.Compute(entries);
        _temporaryDirectory = temporaryDirectory;
    }

    public string Root { get; }

    public IReadOnlyList<ArtifactEntry> Entries { get; }

    public string Digest { get; }

    /// <summary>What the build says the developer should know, one line each (a native build's warnings about their code).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public void Dispose()
    {
        if (_temporaryDirectory is not null && Directory.Exists(_temporaryDirectory))
        {
            Directory.Delete(_temporaryDirectory, recursive: true);
        }
    }
}
