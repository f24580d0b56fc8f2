using System.CommandLine;
using Serverless.Cli.App;
using Serverless.Cli.Output;
using Serverless.Cli.Targets;
using Serverless.Core.Api;

namespace Serverless.Cli.Commands;

/// <summary><c>func revisions NAME</c>: a function's revisions, newest first, with readiness, traffic share and tags.</summary>
internal sealed class RevisionsCommand
{
    private readonly CliContext _context;

    private RevisionsCommand(CliContext context)
    {
        _context = context;
    }

    public static Command Create(CliContext context, GlobalOptions global, FunctionTargets targets)
    {
        var name = CommonOptions.FunctionName();
        var output = StructuredOutput.Option();
        var command = new Command("revisions", "List a function's revisions and their traffic") { name, output };
        command.SetAction((parse, cancellationToken) =>
        {
            var selection = global.Selection(parse);
            return targets.RunAsync(
                context,
                selection,
                target => new RevisionsCommand(context).RunAsync(
                    target, parse.GetRequiredValue(name), GlobalOptions.ResolveNamespace(selection, null, target.DefaultNamespace), parse.GetValue(output), cancellationToken),
                cancellationToken);
        });
        return command;
    }

    private async Task<int> RunAsync(IFunctionTarget target, string name, string ns, OutputFormat format, CancellationToken cancellationToken)
    {
        var function = await target.GetAsync(ns, name, cancellationToken).ConfigureAwait(false) ?? throw new FunctionNotFoundException(ns, name);
        var revisions = (await target.ListRevisionsAsync(ns, name, cancellationToken).ConfigureAwait(false))
            .OrderByDescending(r => r.Metadata.CreationTimestamp ?? DateTime.MinValue)
            .ThenByDescending(r => r.Metadata.Name, StringComparer.Ordinal)
            .ToList();
        if (format != OutputFormat.Table)
        {
            StructuredOutput.Write(_context.Console.Out, new RevisionList { ApiVersion = "v1", Kind = "List", Items = revisions }, format);
            return ExitCodes.Ok;
        }

        if (revisions.Count == 0)
        {
            _context.Console.Note($"function {ns}/{name} has no revisions yet");
            return ExitCodes.Ok;
        }

        _context.Console.Table(Table(function, revisions, _context.Time.GetUtcNow().UtcDateTime));
        return ExitCodes.Ok;
    }

    internal static TableView Table(Function function, IEnumerable<Revision> revisions, DateTime now)
    {
        var traffic = function.Status?.Traffic ?? [];
        var table = new TableView("NAME", "READY", "TRAFFIC", "TAGS", "REPLICAS", "AGE");
        foreach (var revision in revisions)
        {
            var revisionName = revision.Metadata.Name;
            var mine = traffic.Where(t => t.RevisionName == revisionName).ToList();
            var percent = mine.Sum(t => t.Percent ?? 0);
            var tags = string.Join(",", mine.Where(t => t.Tag is not null).Select(t => t.Tag));
            var marks = (revisionName == function.Status?.LatestReadyRevision ? " (latest ready)" : "")
                + (revisionName == function.Status?.LatestCreatedRevision && revisionName != function.Status?.LatestReadyRevision ? " (latest created)" : "");
            table.AddRow(
                revisionName + marks,
                revision.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready)?.Status ?? "Unknown",
                percent + "%",
                tags.Length == 0 ? "<none>" : tags,
                (revision.Status?.ReadyReplicas ?? 0) + "/" + (revision.Status?.Replicas ?? 0),
                revision.Metadata.CreationTimestamp is { } created ? AgeFormatter.Format(now - Timestamps.AsUtc(created)) : "");
        }

        return table;
    }
}
