using System.Runtime.CompilerServices;

namespace Serverless.Controller.Tests.Local.Processes;

/// <summary>
/// The fake runtime script. Found from this file's compile-time location rather than through
/// <c>RepoPaths.Root</c>, which walks up from the test binaries and so fails under <c>--artifacts-path /tmp/…</c>.
/// </summary>
internal static class FakeRuntimeAsset
{
    public static string ScriptPath { get; } = Find();

    private static string Find([CallerFilePath] string sourceFile = "")
    {
        for (var dir = new FileInfo(sourceFile).Directory; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
            {
                return Path.Combine(dir.FullName, "tests", "testassets", "fake-runtime", "fake_runtime.py");
            }
        }

        throw new InvalidOperationException("no Serverless.sln above " + sourceFile);
    }
}
