using System.Runtime.CompilerServices;

namespace Serverless.TestSupport;

/// <summary>Locations in the repository and in the install layout that <c>scripts/build</c> writes to <c>.out/</c>.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    public static string Root => RootLazy.Value;

    /// <summary>The install layout: <c>.out/{func,platform,runtimes/…}</c>, or <c>$SERVERLESS_OUT</c> when set (as <c>scripts/build</c>).</summary>
    public static string Out => Environment.GetEnvironmentVariable("SERVERLESS_OUT") is { Length: > 0 } outDir ? outDir : Path.Combine(Root, ".out");

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

    /// <summary>
    /// From this file's compile-time location, so tests find the repository even when
    /// <c>--artifacts-path</c> puts their binaries outside it.
    /// </summary>
    private static string FindRoot() => FindRootFrom();

    private static string FindRootFrom([CallerFilePath] string sourceFile = "")
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
