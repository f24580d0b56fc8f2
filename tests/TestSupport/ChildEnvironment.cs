using System.Diagnostics;

namespace Serverless.TestSupport;

/// <summary>The environment a test hands to a runtime or build it starts as a child process.</summary>
public static class ChildEnvironment
{
    private static readonly string[] RuntimeKeys =
        ["PORT", "PLATFORM_PORT", "HOST", "FUNCTION_PATH", "HANDLER", "CONTAINER_CONCURRENCY", "FUNCTION_TIMEOUT", "MAX_REQUEST_BODY_BYTES", "LOG_LEVEL", "K_SERVICE", "K_CONFIGURATION", "K_REVISION", "FUNCTION_NAMESPACE"];

    /// <summary>
    /// Drops what the test host leaks into children and would change their behaviour: the runtime's own
    /// keys, ASP.NET Core settings, profilers and startup hooks, and the MSBuild state of the `dotnet test` run.
    /// </summary>
    public static void Clean(ProcessStartInfo startInfo)
    {
        foreach (var key in startInfo.Environment.Keys.ToList())
        {
            if (RuntimeKeys.Contains(key, StringComparer.Ordinal)
                || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("CORECLR_", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || key.Equals("DOTNET_STARTUP_HOOKS", StringComparison.OrdinalIgnoreCase))
            {
                startInfo.Environment.Remove(key);
            }
        }
    }

    /// <summary>The dotnet host running the tests, so children use the same SDK and runtimes.</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
}
