using Serverless.Cli.App;
using Serverless.Cli.Project;

namespace Serverless.Cli.Build;

/// <summary>What <c>func build</c>, <c>deploy</c> and <c>run</c> show around a build: its status line, then its warnings.</summary>
internal static class ArtifactBuild
{
    public static async Task<PreparedArtifact> RunAsync(CliContext context, FunctionProject project, string directory, CancellationToken cancellationToken)
    {
        var status = project.Native
            ? $"building {project.Name} ({project.Runtime}, native: compiling ahead of time takes about a minute)…"
            : $"building {project.Name} ({project.Runtime})…";
        var artifact = await context.Console.WithStatusAsync(
            status,
            _ => new ArtifactBuilder(context.Environment).PrepareAsync(project, directory, cancellationToken)).ConfigureAwait(false);
        foreach (var warning in artifact.Warnings)
        {
            context.Console.Note("warning: " + warning);
        }

        return artifact;
    }
}
