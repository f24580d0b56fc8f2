using System.Runtime.CompilerServices;

namespace Serverless.Runtime.Dotnet.Tests.Support;

/// <summary>
/// The install layout under <c>.out/</c>, as <see cref="Serverless.TestSupport.RepoPaths"/> describes it.
/// RepoPaths finds the repository by walking up from the test binaries, which fails when
/// <c>--artifacts-path</c> puts them outside the tree; this records the source location at compile time instead.
/// </summary>
internal static class TestLayout
{
    public static string Root { get; } = FindRoot();

    public static string Out => Path.Combine(Root, ".out");

    public static string Examples => Path.Combine(Root, "examples");

    /// <summary>The path of a built component, failing with what to run when it is missing.</summary>
    public static string Built(params string[] parts)
    {
        var path = Path.Combine([Out, .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: run scripts/build (the test command ./test does) before the tests");
        }

        return path;
    }

    private static string FindRoot([CallerFilePath] string sourceFile = "")
    {
        for (var dir = new FileInfo(sourceFile).Directory; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("no Serverless.sln above " + sourceFile);
    }
}
