namespace Serverless.Cli.Tests.Build;

internal static class ArtifactFiles
{
    /// <summary>Writes files given as relative path → content under <paramref name="root"/>.</summary>
    public static void Write(string root, params (string Path, string Content)[] files)
    {
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
    }
}
