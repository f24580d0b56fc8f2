using System.CommandLine;
using Serverless.Cli.App;
using Serverless.Cli.Build;
using Serverless.Cli.Project;

namespace Serverless.Cli.Commands;

/// <summary>
/// <c>func build</c>: produces the artifact a deploy would ship (dotnet publish for C#, the sources for node
/// and python) and prints its digest, so build errors show without a platform. <c>--out</c> keeps a copy.
/// </summary>
internal sealed class BuildCommand
{
    private readonly CliContext _context;

    private BuildCommand(CliContext context)
    {
        _context = context;
    }

    public static Command Create(CliContext context)
    {
        var directory = CommonOptions.ProjectDirectory();
        var output = new Option<string?>("--out") { Description = "Copy the artifact's files into this directory (created; must be new or empty)", HelpName = "dir" };
        var command = new Command("build", "Build a function's artifact without deploying it") { directory, output };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            context,
            () => new BuildCommand(context).RunAsync(Path.GetFullPath(parse.GetRequiredValue(directory)), parse.GetValue(output), cancellationToken),
            cancellationToken));
        return command;
    }

    private async Task<int> RunAsync(string directory, string? output, CancellationToken cancellationToken)
    {
        var project = ProjectLoader.Load(directory, []);
        using var artifact = await ArtifactBuild.RunAsync(_context, project, directory, cancellationToken).ConfigureAwait(false);
        if (output is not null)
        {
            var target = Path.GetFullPath(output);
            if (File.Exists(target) || (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any()))
            {
                throw new CliException($"--out {target} exists and is not an empty directory", "choose a new directory");
            }

            ArtifactStore.CopyEntries(artifact.Entries, target);
            _context.Console.Note($"artifact copied to {target}");
        }

        _context.Console.Success($"built {project.Name}: {artifact.Entries.Count} files, digest {artifact.Digest[..ArtifactStore.DigestPrefixLength]}");
        return ExitCodes.Ok;
    }
}
