using System.CommandLine;
using Serverless.Cli.Output;

namespace Serverless.Cli.Commands;

/// <summary><c>func list</c>: the functions of a namespace (or all) as a table.</summary>
internal sealed class ListCommand
{
    private readonly CliContext context;

    private ListCommand(CliContext context)
    {
        this.context = context;
    }

    public static Command Create(CliContext context)
    {
        var ns = CommonOptions.Namespace();
        var all = new Option<bool>("--all-namespaces", "-A") { Description = "List the functions of every namespace" };
        var command = new Command("list", "List functions") { ns, all };
        command.Aliases.Add("ls");
        command.Validators.Add(result =>
        {
            if (result.GetValue(all) && result.GetValue(ns) is not null)
            {
                result.AddError("give --namespace or --all-namespaces, not both");
            }
        });
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            context,
            () => new ListCommand(context).RunAsync(parse.GetValue(all) ? null : CommonOptions.NamespaceOrDefault(parse.GetValue(ns)), cancellationToken),
            cancellationToken));
        return command;
    }

    private async Task<int> RunAsync(string? ns, CancellationToken cancellationToken)
    {
        using var session = AdminSession.Open(context);
        var functions = await session.Client.ListAsync(ns, cancellationToken).ConfigureAwait(false);
        if (functions.Count == 0)
        {
            context.Console.Note(ns is null ? "no functions found" : $"no functions found in namespace {ns}");
            return ExitCodes.Ok;
        }

        var now = context.Time.GetUtcNow().UtcDateTime;
        var table = new TableView("NAME", "NAMESPACE", "RUNTIME", "READY", "REPLICAS", "URL", "AGE");
        table.Colour(3, FunctionRows.ConditionColour);
        foreach (var function in functions.OrderBy(f => f.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(f => f.Metadata.Name, StringComparer.Ordinal))
        {
            table.AddRow(
                function.Metadata.Name ?? "",
                function.Metadata.NamespaceProperty ?? "",
                function.Spec.Runtime ?? "",
                FunctionRows.ReadyStatus(function),
                FunctionRows.Replicas(function),
                function.Status?.Url ?? "<none>",
                function.Metadata.CreationTimestamp is { } created ? AgeFormatter.Format(now - Timestamps.AsUtc(created)) : "");
        }

        context.Console.Table(table);
        return ExitCodes.Ok;
    }
}
