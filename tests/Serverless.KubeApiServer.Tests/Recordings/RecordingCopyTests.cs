namespace Serverless.KubeApiServer.Tests.Recordings;

/// <summary>The recordings are copied into the repository so CI has them; the copy must not drift from the shared original.</summary>
public sealed class RecordingCopyTests
{
    [Fact]
    public void Copy_SharedRecordingsPresent_AreIdentical()
    {
        var shared = KubeRecordings.SharedFolder;
        if (!Directory.Exists(shared))
        {
            return; // A checkout without ../shared (CI): the copy is the reference.
        }

        var expected = Files(shared);
        var actual = Files(KubeRecordings.Folder);

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        Assert.All(expected, file => Assert.True(file.Value.AsSpan().SequenceEqual(actual[file.Key]), $"{file.Key} differs from {shared}: copy it again"));
    }

    private static Dictionary<string, byte[]> Files(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(root, path).Replace('\\', '/'), File.ReadAllBytes, StringComparer.Ordinal);
}
