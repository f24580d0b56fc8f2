using Serverless.TestSupport;

namespace Serverless.Backends.Local.Tests.Processes;

/// <summary>The fake runtime script the supervisor tests start as a function instance.</summary>
internal static class FakeRuntimeAsset
{
    public static string ScriptPath { get; } = Path.Combine(RepoPaths.Root, "tests", "testassets", "fake-runtime", "fake_runtime.py");
}
