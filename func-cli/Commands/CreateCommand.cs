using System.CommandLine;
using System.Text;
using Serverless.Cli.App;
using Serverless.Cli.Project;
using Serverless.Cli.Templates;
using Serverless.Core.Naming;

namespace Serverless.Cli.Commands;

/// <summary>
/// <c>func create -l csharp|node|python [-t http|cloudevents] DIR</c>: a new function project from the
/// runtime's template, deployable as is. The function is named after the directory unless <c>--name</c> says otherwise.
/// </summary>
internal sealed class CreateCommand
{
    private const string NamePlaceholder = "{{name}}";

    private readonly CliContext _context;

    private CreateCommand(CliContext context)
    {
        _context = context;
    }

    public static Command Create(CliContext context)
    {
        var directory = new Argument<string>("dir") { Description = "The directory to create the project in (new or empty)" };
        var language = new Option<string>("--language", "-l") { Description = "The function's language", Required = true, HelpName = string.Join("|", TemplateCatalog.Languages) };
        language.AcceptOnlyFromAmong([.. TemplateCatalog.Languages]);
        var template = new Option<string>("--template", "-t") { Description = "An HTTP function or a CloudEvents function", DefaultValueFactory = _ => "http", HelpName = string.Join("|", TemplateCatalog.Kinds) };
        template.AcceptOnlyFromAmong([.. TemplateCatalog.Kinds]);
        var name = CommonOptions.Label("--name", "The function's name [default: the directory's name]");
        var command = new Command("create", "Create a function project from a template") { directory, language, template, name };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            context,
            () => Task.FromResult(new CreateCommand(context).Run(
                Path.GetFullPath(parse.GetRequiredValue(directory)), parse.GetRequiredValue(language), parse.GetRequiredValue(template), parse.GetValue(name))),
            cancellationToken));
        return command;
    }

    private int Run(string directory, string language, string kind, string? nameFlag)
    {
        var name = nameFlag ?? Path.GetFileName(directory.TrimEnd(Path.DirectorySeparatorChar));
        if (!Names.IsDns1123Label(name))
        {
            throw new CliException(
                $"the directory name \"{Names.Printable(name)}\" cannot be a function name: {Names.Dns1123LabelError(name)}",
                "pass a valid name with --name, e.g. --name hello");
        }

        if (File.Exists(directory) || (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any()))
        {
            throw new CliException($"{directory} exists and is not an empty directory", "choose a new directory; func create never overwrites files");
        }

        var files = TemplateCatalog.Files(language, kind);
        if (files.Count == 0)
        {
            throw new CliException($"this build of func has no {language} {kind} template", "rebuild func with scripts/build");
        }

        Directory.CreateDirectory(directory);
        foreach (var (relativePath, content) in files)
        {
            var target = Path.Combine(directory, relativePath.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, relativePath == FunctionProject.FileName ? Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(content).Replace(NamePlaceholder, name, StringComparison.Ordinal)) : content);
        }

        // The written func.yaml must be one the reader accepts: a template that is not is a bug to catch here.
        var project = FuncYamlReader.ReadDirectory(directory);
        _context.Console.Success($"created {language} {kind} function {project.Name} in {directory}");
        _context.Console.Note($"next: `func deploy {directory}` (or `func run {directory}` to try it without the platform)");
        return ExitCodes.Ok;
    }
}
