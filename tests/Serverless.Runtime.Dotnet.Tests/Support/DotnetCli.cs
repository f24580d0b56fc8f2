using System.Diagnostics;
using System.Text;
using Serverless.TestSupport;

namespace Serverless.Runtime.Dotnet.Tests.Support;

internal static class DotnetCli
{
    /// <summary>
    /// Runs <c>dotnet publish</c> with its own artifacts path and no build servers (a lingering compiler
    /// server would hold the output pipes open and share state with the builds of the test run).
    /// </summary>
    public static async Task PublishAsync(string project, string outputPath, string artifactsPath)
    {
        var startInfo = new ProcessStartInfo(ChildEnvironment.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "publish", project, "-c", "Release", "-o", outputPath, "--artifacts-path", artifactsPath,
            "--disable-build-servers", "--nologo", "-v", "quiet", "-p:UseAppHost=false",
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        ChildEnvironment.Clean(startInfo);
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("dotnet publish did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Bounds.Publish);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet publish {project} took longer than {Bounds.Publish}");
        }

        if (process.ExitCode != 0)
        {
            var log = new StringBuilder().Append(await output).Append(await error);
            throw new InvalidOperationException($"dotnet publish {project} failed with {process.ExitCode}: {log}");
        }
    }
}
