using System.CommandLine;
using Serverless.Cli.App;
using Serverless.Cli.Targets;

namespace Serverless.Cli.Commands;

/// <summary><c>func delete</c>: removes a Function; the platform drains and stops its instances.</summary>
internal sealed class DeleteCommand
{
    private readonly CliContext _context;

    private DeleteCommand(CliContext context)
    {
        _context = context;
    }

    public static Command Create(CliContext context, GlobalOptions global, FunctionTargets targets)
    {
        var name = CommonOptions.FunctionName();
        var command = new Command("delete", "Delete a function") { name };
        command.SetAction((parse, cancellationToken) =>
        {
            var selection = global.Selection(parse);
            return targets.RunAsync(
                context,
                selection,
                target => new DeleteCommand(context).RunAsync(target, parse.GetRequiredValue(name), GlobalOptions.ResolveNamespace(selection, null, target.DefaultNamespace), cancellationToken),
                cancellationToken);
        });
        return command;
    }

    private async Task<int> RunAsync(IFunctionTarget target, string name, string ns, CancellationToken cancellationToken)
    {
        if (!await target.DeleteAsync(ns, name, cancellationToken).ConfigureAwait(false))
        {
            throw new FunctionNotFoundException(ns, name);
        }

        _context.Console.Success($"function {ns}/{name} deleted");
        return ExitCodes.Ok;
    }
}
