using System.Text.RegularExpressions;
using Serverless.TestSupport;

namespace Serverless.Cli.Tests.Output;

/// <summary>
/// Compares output with <c>Output/golden/{name}</c> in the source tree after normalising what varies run to
/// run (uids, RFC 3339 times, ages). <c>UPDATE_GOLDEN=1</c> rewrites the file instead, for a reviewed change.
/// </summary>
internal static partial class GoldenFile
{
    public static void AssertMatches(string name, string actual)
    {
        var path = Path.Combine(RepoPaths.Root, "tests", "Serverless.Cli.Tests", "Output", "golden", name);
        var normalised = Normalise(actual);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, normalised);
            return;
        }

        Assert.True(File.Exists(path), $"no golden file {path}: run with UPDATE_GOLDEN=1 to create it from:\n{normalised}");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), normalised);
    }

    public static string Normalise(string text)
    {
        text = text.ReplaceLineEndings("\n");
        text = Uid().Replace(text, "${key}<uid>");
        text = Timestamp().Replace(text, "<time>");
        return text;
    }

    [GeneratedRegex(@"(?<key>""?uid""?:\s*""?)[0-9a-f-]{36}")]
    private static partial Regex Uid();

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")]
    private static partial Regex Timestamp();
}
