using System.Diagnostics;
using System.Text;
using Serverless.Cli.App;
using Serverless.Cli.Project;
using Serverless.Core.Api;

namespace Serverless.Cli.Build;

/// <summary>
/// Produces what a runtime loads: <c>dotnet publish</c> output for .NET (one executable with <c>build.native</c>,
/// <see cref="NativeFunctionBuild"/>), the source directory
/// itself (node_modules included; .git, __pycache__, func.yaml and README.md not) for node and python.
/// </summary>
internal sealed class ArtifactBuilder
{
    private readonly Func<string, string?> _environment;

    public ArtifactBuilder(Func<string, string?> environment)
    {
        _environment = environment;
    }

    /// <exception cref="CliException">The build failed; the details hold its output.</exception>
    public async Task<PreparedArtifact> PrepareAsync(FunctionProject project, string directory, CancellationToken cancellationToken)
    {
        if (project.Runtime != RuntimeNames.Dotnet)
        {
            return new PreparedArtifact(directory, ArtifactScanner.Scan(directory, ArtifactScanner.SourceExclusions, ArtifactScanner.ProjectFiles), temporaryDirectory: null);
        }

        var output = Directory.CreateTempSubdirectory("func-publish-").FullName;
        try
        {
            if (project.Native)
            {
                var (native, warnings) = await new NativeFunctionBuild(this, _environment).BuildAsync(project, directory, output, cancellationToken).ConfigureAwait(false);
                return new PreparedArtifact(native, ArtifactScanner.Scan(native, new HashSet<string>()), output) { Warnings = warnings };
            }

            await PublishAsync(directory, output, cancellationToken).ConfigureAwait(false);
            return new PreparedArtifact(output, ArtifactScanner.Scan(output, new HashSet<string>(), ArtifactScanner.ProjectFiles), output);
        }
        catch
        {
            Directory.Delete(output, recursive: true);
            throw;
        }
    }

    internal Task<IReadOnlyList<string>> PublishAsync(string directory, string output, CancellationToken cancellationToken) =>
        DotnetAsync(
            ["publish", directory, "-c", "Release", "-o", output, "--nologo"],
            $"dotnet publish {directory} failed",
            "fix the build errors above, then run `func deploy` again",
            cancellationToken);

    /// <summary>Runs the dotnet CLI; its output is shown only when it fails.</summary>
    /// <exception cref="CliException">It failed: <paramref name="failure"/>, the exit code and its output.</exception>
    /// <returns>Its output, lines in order.</returns>
    internal async Task<IReadOnlyList<string>> DotnetAsync(IReadOnlyList<string> arguments, string failure, string hint, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(DotnetHost.Resolve(_environment))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";

        var log = new StringBuilder();
        using var process = new Process { StartInfo = info };
        DataReceivedEventHandler append = (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (log)
                {
                    log.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        string text;
        lock (log)
        {
            text = log.ToString();
        }

        var lines = text.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        if (process.ExitCode != 0)
        {
            throw new CliException($"{failure} (exit code {process.ExitCode})", hint, lines);
        }

        return lines;
    }
}
