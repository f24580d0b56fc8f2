using System.CommandLine;
using System.Globalization;
using Serverless.Cli.App;
using Serverless.Cli.Output;
using Serverless.Cli.Targets;

namespace Serverless.Cli.Commands;

/// <summary>
/// <c>func top</c>: every function's instances, load and cold starts, refreshed every second in a live
/// view on a terminal; plain snapshots one after another when stdout is not a terminal or with <c>--plain</c>;
/// one snapshot with <c>--once</c> (which also takes <c>--output json|yaml</c>).
/// </summary>
internal sealed class TopCommand
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly CliContext _context;

    private TopCommand(CliContext context)
    {
        _context = context;
    }

    public static Command Create(CliContext context, GlobalOptions global, FunctionTargets targets)
    {
        var once = new Option<bool>("--once") { Description = "Print one snapshot and exit" };
        var plain = new Option<bool>("--plain") { Description = "Print plain snapshots instead of the live view, even on a terminal" };
        var all = new Option<bool>("--all-namespaces", "-A") { Description = "Show every namespace [default: all, unless --namespace is given]" };
        var output = StructuredOutput.Option();
        var command = new Command("top", "Live view of every function: instances, in-flight requests, RPS, queue, cold starts") { once, plain, all, output };
        command.Validators.Add(result =>
        {
            if (result.GetValue(output) != OutputFormat.Table && !result.GetValue(once))
            {
                result.AddError("--output json|yaml needs --once: a live view is a table");
            }
        });
        command.SetAction((parse, cancellationToken) =>
        {
            var selection = global.Selection(parse);
            return targets.RunAsync(
                context,
                selection,
                target => new TopCommand(context).RunAsync(
                    target, parse.GetValue(all) ? null : selection.Namespace, parse.GetValue(once), parse.GetValue(plain), parse.GetValue(output), cancellationToken),
                cancellationToken);
        });
        return command;
    }

    internal static TableView Table(IEnumerable<FunctionStats> stats)
    {
        var table = new TableView("NAMESPACE", "NAME", "DESIRED", "READY", "IN-FLIGHT", "RPS", "QUEUE", "COLD-STARTS/1M");
        foreach (var s in stats)
        {
            table.AddRow(
                s.Namespace,
                s.Name,
                Count(s.DesiredInstances),
                Count(s.ReadyInstances),
                Count(s.InFlight),
                s.RequestsPerSecond is { } rps ? rps.ToString("0.0", CultureInfo.InvariantCulture) : "-",
                Count(s.QueueDepth),
                Count(s.ColdStartsLastMinute));
        }

        return table;
    }

    private async Task<int> RunAsync(IFunctionTarget target, string? ns, bool once, bool plain, OutputFormat format, CancellationToken cancellationToken)
    {
        if (once)
        {
            var stats = await SnapshotAsync(target, ns, cancellationToken).ConfigureAwait(false);
            if (format != OutputFormat.Table)
            {
                StructuredOutput.Write(_context.Console.Out, new StatsResponse { Functions = [.. stats] }, format);
            }
            else
            {
                WritePlain(stats);
            }

            return ExitCodes.Ok;
        }

        try
        {
            if (plain || _context.Console.IsPlain)
            {
                while (true)
                {
                    WritePlain(await SnapshotAsync(target, ns, cancellationToken).ConfigureAwait(false));
                    _context.Console.Line();
                    await _context.Console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
                    await Task.Delay(RefreshInterval, _context.Time, cancellationToken).ConfigureAwait(false);
                }
            }

            await _context.Console.LiveAsync(
                async token => Table(await SnapshotAsync(target, ns, token).ConfigureAwait(false)),
                RefreshInterval,
                _context.Time,
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C is how a live view ends: not an interruption of work.
        }

        return ExitCodes.Ok;
    }

    private void WritePlain(IReadOnlyList<FunctionStats> stats)
    {
        if (stats.Count == 0)
        {
            _context.Console.Note("no functions");
            return;
        }

        Table(stats).WritePlain(_context.Console.Out);
    }

    private static async Task<IReadOnlyList<FunctionStats>> SnapshotAsync(IFunctionTarget target, string? ns, CancellationToken cancellationToken)
    {
        var stats = await target.GetStatsAsync(cancellationToken).ConfigureAwait(false);
        return [.. stats
            .Where(s => ns is null || s.Namespace == ns)
            .OrderBy(s => s.Namespace, StringComparer.Ordinal)
            .ThenBy(s => s.Name, StringComparer.Ordinal)];
    }

    private static string Count(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
