using System.CommandLine;
using System.Globalization;
using Serverless.Cli.App;
using Serverless.Cli.Output;
using Serverless.Cli.Targets;
using Serverless.Core.Api;

namespace Serverless.Cli.Commands;

/// <summary><c>func describe</c>: a function's spec in short and its conditions, the place to look when a deploy fails.</summary>
internal sealed class DescribeCommand
{
    private readonly CliContext _context;

    private DescribeCommand(CliContext context)
    {
        _context = context;
    }

    public static Command Create(CliContext context, GlobalOptions global, FunctionTargets targets)
    {
        var name = CommonOptions.FunctionName();
        var output = StructuredOutput.Option();
        var command = new Command("describe", "Show a function's settings and status") { name, output };
        command.SetAction((parse, cancellationToken) =>
        {
            var selection = global.Selection(parse);
            return targets.RunAsync(
                context,
                selection,
                target => new DescribeCommand(context).RunAsync(
                    target, parse.GetRequiredValue(name), GlobalOptions.ResolveNamespace(selection, null, target.DefaultNamespace), parse.GetValue(output), cancellationToken),
                cancellationToken);
        });
        return command;
    }

    private async Task<int> RunAsync(IFunctionTarget target, string name, string ns, OutputFormat format, CancellationToken cancellationToken)
    {
        var function = await target.GetAsync(ns, name, cancellationToken).ConfigureAwait(false) ?? throw new FunctionNotFoundException(ns, name);
        if (format != OutputFormat.Table)
        {
            StructuredOutput.Write(_context.Console.Out, function, format);
            return ExitCodes.Ok;
        }

        var now = _context.Time.GetUtcNow().UtcDateTime;
        _context.Console.Fields(Summary(function, now));

        _context.Console.Line();
        _context.Console.Line("Conditions:");
        var conditions = function.Status?.Conditions ?? [];
        if (conditions.Count == 0)
        {
            _context.Console.Line("  none reported yet");
            return ExitCodes.Ok;
        }

        var table = new TableView("TYPE", "STATUS", "REASON", "AGE", "MESSAGE");
        table.Colour(1, FunctionRows.ConditionColour);
        foreach (var condition in conditions)
        {
            table.AddRow(
                condition.Type ?? "",
                condition.Status ?? "",
                condition.Reason ?? "",
                condition.LastTransitionTime is { } at ? AgeFormatter.Format(now - Timestamps.AsUtc(at)) : "",
                condition.Message ?? "");
        }

        _context.Console.Table(table);
        return ExitCodes.Ok;
    }

    internal static IReadOnlyList<KeyValuePair<string, string>> Summary(Function function, DateTime now)
    {
        var spec = function.Spec;
        var status = function.Status;
        var fields = new List<KeyValuePair<string, string>>
        {
            new("Name", function.Metadata.Name ?? ""),
            new("Namespace", function.Metadata.NamespaceProperty ?? ""),
            new("Runtime", spec.Runtime ?? ""),
            new("Handler", spec.Handler ?? "(runtime default)"),
        };
        if (spec.Image is not null)
        {
            fields.Add(new("Image", spec.Image));
        }

        fields.Add(new("Source", spec.Source?.Path ?? spec.Source?.ConfigMap ?? ""));
        fields.Add(new("URL", status?.Url ?? ""));
        fields.Add(new("Ready", FunctionRows.ReadyStatus(function)));
        fields.Add(new("Replicas", FunctionRows.Replicas(function) + " ready"));
        fields.Add(new("Generation", Invariant($"{function.Metadata.Generation ?? 0} (observed {status?.ObservedGeneration?.ToString(CultureInfo.InvariantCulture) ?? "none"})")));
        if (status?.LatestRevision is { } revision)
        {
            fields.Add(new("Revision", revision));
        }

        if (function.Metadata.CreationTimestamp is { } created)
        {
            var utc = Timestamps.AsUtc(created);
            fields.Add(new("Created", utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + " (" + AgeFormatter.Format(now - utc) + " ago)"));
        }

        fields.Add(new("Timeout", spec.TimeoutSeconds is { } timeout ? Invariant($"{timeout}s") : "default"));
        fields.Add(new("Scale", Scale(spec.Scale)));
        fields.Add(new("Env", spec.Env is { Count: > 0 } env ? string.Join(", ", env.Select(e => e.Name + "=" + e.Value)) : "none"));
        return fields;
    }

    /// <summary>Only the settings the Function sets; the rest are the platform's defaults.</summary>
    private static string Scale(ScaleSpec? scale)
    {
        if (scale is null)
        {
            return "defaults";
        }

        var parts = new List<string>();
        void Add(string label, object? value)
        {
            if (value is not null)
            {
                parts.Add(label + " " + Convert.ToString(value, CultureInfo.InvariantCulture));
            }
        }

        Add("min", scale.MinScale);
        Add("max", scale.MaxScale);
        Add("initial", scale.InitialScale);
        Add("target", scale.Target);
        Add("utilization", scale.TargetUtilization);
        Add("containerConcurrency", scale.ContainerConcurrency);
        Add("scaleToZeroGracePeriod", scale.ScaleToZeroGracePeriodSeconds is { } grace ? Invariant($"{grace}s") : null);
        Add("metric", scale.Metric);
        return parts.Count == 0 ? "defaults" : string.Join(", ", parts);
    }

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
