using System.CommandLine;
using Serverless.Cli.App;
using Serverless.Cli.Output;
using Serverless.Cli.Targets;
using Serverless.Core.Api;

namespace Serverless.Cli.Commands;

/// <summary><c>func list</c>: the functions of a namespace (or all) as a table, JSON or YAML.</summary>
internal sealed class ListCommand
{
    private readonly CliContext _context;

    private ListCommand(CliContext context)
    {
        _context = context;
    }

    public static Command Create(CliContext context, GlobalOptions global, FunctionTargets targets)
    {
        var all = new Option<bool>("--all-namespaces", "-A") { Description = "List the functions of every namespace" };
        var output = StructuredOutput.Option();
        var command = new Command("list", "List functions") { all, output };
        command.Aliases.Add("ls");
        command.Validators.Add(result =>
        {
            if (result.GetValue(all) && result.GetValue(global.Namespace) is not null)
            {
                result.AddError("give --namespace or --all-namespaces, not both");
            }
        });
        command.SetAction((parse, cancellationToken) =>
        {
            var selection = global.Selection(parse);
            return targets.RunAsync(
                context,
                selection,
                target => new ListCommand(context).RunAsync(
                    target, parse.GetValue(all) ? null : GlobalOptions.ResolveNamespace(selection, null, target.DefaultNamespace), parse.GetValue(output), cancellationToken),
                cancellationToken);
        });
        return command;
    }

    private async Task<int> RunAsync(IFunctionTarget target, string? ns, OutputFormat format, CancellationToken cancellationToken)
    {
        var functions = (await target.ListAsync(ns, cancellationToken).ConfigureAwait(false))
            .OrderBy(f => f.Metadata.NamespaceProperty, StringComparer.Ordinal)
            .ThenBy(f => f.Metadata.Name, StringComparer.Ordinal)
            .ToList();
        if (format != OutputFormat.Table)
        {
            StructuredOutput.Write(_context.Console.Out, new FunctionList { ApiVersion = "v1", Kind = "List", Items = functions }, format);
            return ExitCodes.Ok;
        }

        if (functions.Count == 0)
        {
            _context.Console.Note(ns is null ? "no functions found" : $"no functions found in namespace {ns}");
            return ExitCodes.Ok;
        }

        _context.Console.Table(Table(functions, _context.Time.GetUtcNow().UtcDateTime));
        return ExitCodes.Ok;
    }

    internal static TableView Table(IEnumerable<Function> functions, DateTime now)
    {
        var table = new TableView("NAME", "NAMESPACE", "RUNTIME", "READY", "REPLICAS", "URL", "AGE");
        table.Colour(3, FunctionRows.ConditionColour);
        foreach (var function in functions)
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

        return table;
    }
}
