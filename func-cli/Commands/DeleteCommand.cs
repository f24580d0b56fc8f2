using System.CommandLine;

namespace Serverless.Cli.Commands;

/// <summary><c>func delete</c>: removes a Function; the platform drains and stops its instances.</summary>
internal sealed class DeleteCommand
{
    private readonly CliContext context;

    private DeleteCommand(CliContext context)
    {
        this.context = context;
    }

    public static Command Create(CliContext context)
    {
        var name = CommonOptions.FunctionName();
        var ns = CommonOptions.Namespace();
        var command = new Command("delete", "Delete a function") { name, ns };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            context,
            () => new DeleteCommand(context).RunAsync(parse.GetRequiredValue(name), CommonOptions.NamespaceOrDefault(parse.GetValue(ns)), cancellationToken),
            cancellationToken));
        return command;
    }

    private async Task<int> RunAsync(string name, string ns, CancellationToken cancellationToken)
    {
        using var session = AdminSession.Open(context);
        await FunctionNotFound.MapAsync(ns, name, async () =>
        {
            await session.Client.DeleteAsync(ns, name, cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
        context.Console.Success($"function {ns}/{name} deleted");
        return ExitCodes.Ok;
    }
}
