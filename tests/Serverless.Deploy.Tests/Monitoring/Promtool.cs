using System.ComponentModel;
using Serverless.TestSupport;

namespace Serverless.Deploy.Tests.Monitoring;

/// <summary>Debian's promtool (package prometheus, installed by scripts/monitoring-tools, which ./test runs).</summary>
internal static class Promtool
{
    public static async Task<ProcessRunner.Result> RunAsync(string workingDirectory, params string[] arguments)
    {
        try
        {
            return await ProcessRunner.RunAsync("promtool", arguments, workingDirectory: workingDirectory, timeout: TimeSpan.FromMinutes(1));
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("promtool is not installed: run scripts/monitoring-tools (./test does), or apt-get install prometheus", e);
        }
    }
}
