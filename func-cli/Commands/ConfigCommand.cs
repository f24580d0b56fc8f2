using System.CommandLine;
using Serverless.Cli.App;
using Serverless.Cli.Output;
using Serverless.Cli.Project;
using Serverless.Core.Defaulting;

namespace Serverless.Cli.Commands;

/// <summary>
/// <c>func config env set|unset|list</c> and <c>func config scale</c>: edit func.yaml without opening it.
/// Every edit is re-read with the strict reader before it is written, so the file stays valid.
/// </summary>
internal sealed class ConfigCommand
{
    private readonly CliContext _context;

    private ConfigCommand(CliContext context)
    {
        _context = context;
    }

    public static Command Create(CliContext context)
    {
        var command = new Command("config", "Edit func.yaml: environment variables and scaling");
        command.Subcommands.Add(Env(context));
        command.Subcommands.Add(Scale(context));
        return command;
    }

    private static Option<string> PathOption() => new("--path", "-p")
    {
        Description = "The function's directory, holding func.yaml",
        HelpName = "dir",
        DefaultValueFactory = _ => ".",
    };

    private static Command Env(CliContext context)
    {
        var env = new Command("env", "Set, unset or list func.yaml's environment variables");

        var path = PathOption();
        var pairs = new Argument<string[]>("KEY=VALUE") { Arity = ArgumentArity.OneOrMore, Description = "Variables to set" };
        pairs.Validators.Add(result =>
        {
            foreach (var text in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (EnvAssignment.TryParse(text, out var error) is null)
                {
                    result.AddError(error!);
                }
            }
        });
        var set = new Command("set", "Add or replace variables") { pairs, path };
        set.SetAction((parse, ct) => CommandRunner.RunAsync(
            context,
            () => new ConfigCommand(context).EditAsync(
                parse.GetRequiredValue(path),
                text => FuncYamlEditor.SetEnv(text, [.. parse.GetRequiredValue(pairs).Select(p => EnvAssignment.TryParse(p, out _)!)]),
                "set " + string.Join(", ", parse.GetRequiredValue(pairs).Select(p => p[..p.IndexOf('=', StringComparison.Ordinal)]))),
            ct));

        var unsetPath = PathOption();
        var names = new Argument<string[]>("KEY") { Arity = ArgumentArity.OneOrMore, Description = "Variables to remove" };
        var unset = new Command("unset", "Remove variables") { names, unsetPath };
        unset.SetAction((parse, ct) => CommandRunner.RunAsync(
            context,
            () => new ConfigCommand(context).EditAsync(
                parse.GetRequiredValue(unsetPath),
                text =>
                {
                    var edited = FuncYamlEditor.UnsetEnv(text, parse.GetRequiredValue(names), out var missing);
                    return missing.Count == 0
                        ? edited
                        : throw new CliException($"not in func.yaml's env: {string.Join(", ", missing)}", "`func config env list` shows the variables set");
                },
                "removed " + string.Join(", ", parse.GetRequiredValue(names))),
            ct));

        var listPath = PathOption();
        var list = new Command("list", "Show the variables func.yaml sets") { listPath };
        list.SetAction((parse, ct) => CommandRunner.RunAsync(
            context,
            () =>
            {
                var project = ProjectLoader.Load(Path.GetFullPath(parse.GetRequiredValue(listPath)), []);
                var table = new TableView("NAME", "VALUE");
                foreach (var entry in project.Env)
                {
                    table.AddRow(entry.Name ?? "", entry.Value ?? "");
                }

                if (table.RowCount == 0)
                {
                    context.Console.Note("func.yaml sets no environment variables");
                }
                else
                {
                    context.Console.Table(table);
                }

                return Task.FromResult(ExitCodes.Ok);
            },
            ct));

        env.Subcommands.Add(set);
        env.Subcommands.Add(unset);
        env.Subcommands.Add(list);
        return env;
    }

    private static Command Scale(CliContext context)
    {
        var path = PathOption();
        var ints = new (string Flag, string Key, string Description)[]
        {
            ("--min", "minScale", "Fewest instances (0 allows scale to zero)"),
            ("--max", "maxScale", "Most instances (0 = unbounded)"),
            ("--initial", "initialScale", "Instances when first deployed"),
            ("--target", "target", "Requests in flight per instance the autoscaler aims for"),
            ("--concurrency", "containerConcurrency", "Hard limit of requests per instance (0 = unlimited)"),
            ("--grace", "scaleToZeroGracePeriodSeconds", "Seconds without traffic before scaling to zero"),
            ("--scale-down-delay", "scaleDownDelaySeconds", "Seconds every decision must want a lower count before it is taken"),
            ("--activation-scale", "activationScale", "Fewest instances any load gets, the first scale from zero included"),
        };
        var intOptions = ints.Select(i => (i.Key, Option: new Option<int?>(i.Flag) { Description = i.Description, HelpName = "n" })).ToList();
        foreach (var (_, option) in intOptions)
        {
            option.Validators.Add(result =>
            {
                if (OptionValues.TryGet<int?>(result, out var value) && value is < 0)
                {
                    result.AddError($"{option.Name} must be 0 or more");
                }
            });
        }

        var utilization = new Option<double?>("--utilization") { Description = "Fraction of the target to aim for, above 0 and at most 1", HelpName = "fraction" };
        utilization.Validators.Add(result =>
        {
            if (OptionValues.TryGet<double?>(result, out var value) && value is { } fraction && (fraction <= 0 || fraction > 1 || !double.IsFinite(fraction)))
            {
                result.AddError("--utilization must be above 0 and at most 1");
            }
        });
        var metric = new Option<string?>("--metric") { Description = "What the autoscaler measures: concurrency or rps; cpu or memory with the HPA class" };
        metric.AcceptOnlyFromAmong("concurrency", "rps", "cpu", "memory");
        var scaleClass = new Option<string?>("--class") { Description = "The autoscaler: kpa.autoscaling.knative.dev (default) or hpa.autoscaling.knative.dev" };
        scaleClass.AcceptOnlyFromAmong([.. ScaleClassNames.All]);
        var burst = new Option<double?>("--burst-capacity") { Description = "Requests queued beyond capacity tolerated before panic; -1 any", HelpName = "n" };
        burst.Validators.Add(result =>
        {
            if (OptionValues.TryGet<double?>(result, out var value) && value is { } n && !(n >= 0 || n == -1))
            {
                result.AddError("--burst-capacity must be -1 or 0 or more");
            }
        });

        var command = new Command("scale", "Set func.yaml's scaling settings, e.g. `func config scale --min 0 --max 5 --target 10`") { path, utilization, metric, scaleClass, burst };
        foreach (var (_, option) in intOptions)
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) =>
        {
            var values = new List<KeyValuePair<string, string>>();
            foreach (var (key, option) in intOptions)
            {
                if (parse.GetValue(option) is { } value)
                {
                    values.Add(new(key, FuncYamlEditor.Format(value)));
                }
            }

            if (parse.GetValue(utilization) is { } fraction)
            {
                values.Add(new("targetUtilization", FuncYamlEditor.Format(fraction)));
            }

            if (parse.GetValue(metric) is { } name)
            {
                values.Add(new("metric", name));
            }

            if (parse.GetValue(scaleClass) is { } chosen)
            {
                values.Add(new("class", chosen));
            }

            if (parse.GetValue(burst) is { } capacity)
            {
                values.Add(new("targetBurstCapacity", FuncYamlEditor.Format(capacity)));
            }

            return CommandRunner.RunAsync(
                context,
                () => values.Count == 0
                    ? throw new CliException("nothing to set", "give at least one of --min, --max, --initial, --target, --concurrency, --grace, --scale-down-delay, --activation-scale, --utilization, --metric, --class, --burst-capacity")
                    : new ConfigCommand(context).EditAsync(
                        parse.GetRequiredValue(path),
                        text => FuncYamlEditor.SetScale(text, values),
                        "scale: " + string.Join(", ", values.Select(v => v.Key + "=" + v.Value))),
                ct);
        });
        return command;
    }

    private async Task<int> EditAsync(string directory, Func<string, string> edit, string summary)
    {
        var full = Path.GetFullPath(directory);
        ProjectLoader.Load(full, []); // the file must be valid before we touch it, and the errors say where it is not
        var file = Path.Combine(full, FunctionProject.FileName);
        var edited = edit(await File.ReadAllTextAsync(file).ConfigureAwait(false));
        FuncYamlReader.Parse(edited, file);

        // Written beside and renamed over, so an interrupted write never leaves half a func.yaml.
        var temporary = file + ".tmp";
        await File.WriteAllTextAsync(temporary, edited).ConfigureAwait(false);
        File.Move(temporary, file, overwrite: true);
        _context.Console.Success($"{file}: {summary}");
        return ExitCodes.Ok;
    }
}
