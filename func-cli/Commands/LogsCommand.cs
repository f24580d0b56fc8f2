using System.CommandLine;
using Serverless.Cli.App;
using Serverless.Cli.Targets;

namespace Serverless.Cli.Commands;

/// <summary>
/// <c>func logs NAME [-f] [--tail N]</c>: every instance's lines merged in time order, each prefixed with its
/// instance. A snapshot by default; <c>-f</c> keeps following until Ctrl+C, which ends it with exit 0.
/// </summary>
internal sealed class LogsCommand
{
    private readonly CliContext _context;

    private LogsCommand(CliContext context)
    {
        _context = context;
    }

    public static Command Create(CliContext context, GlobalOptions global, FunctionTargets targets)
    {
        var name = CommonOptions.FunctionName();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines until Ctrl+C" };
        var tail = new Option<int>("--tail") { Description = "Lines of the snapshot, over all instances", DefaultValueFactory = _ => 100, HelpName = "N" };
        tail.Validators.Add(result =>
        {
            if (OptionValues.TryGet<int>(result, out var lines) && lines is < 0 or > 100_000)
            {
                result.AddError("--tail must be from 0 to 100000");
            }
        });
        var command = new Command("logs", "Print a function's logs (all instances, each line prefixed with its instance)") { name, follow, tail };
        command.SetAction((parse, cancellationToken) =>
        {
            var selection = global.Selection(parse);
            return targets.RunAsync(
                context,
                selection,
                target => new LogsCommand(context).RunAsync(
                    target,
                    GlobalOptions.ResolveNamespace(selection, null, target.DefaultNamespace),
                    parse.GetRequiredValue(name),
                    new LogRequest(parse.GetValue(follow), parse.GetValue(tail)),
                    cancellationToken),
                cancellationToken);
        });
        return command;
    }

    private async Task<int> RunAsync(IFunctionTarget target, string ns, string name, LogRequest request, CancellationToken cancellationToken)
    {
        // A missing function is an error; one with no output yet is not (it may be at zero).
        if (await target.GetAsync(ns, name, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new FunctionNotFoundException(ns, name);
        }

        var any = false;
        await foreach (var line in target.LogsAsync(ns, name, request, cancellationToken).ConfigureAwait(false))
        {
            any = true;
            await _context.Console.Out.WriteLineAsync(Format(line)).ConfigureAwait(false);
            await _context.Console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!any && !request.Follow)
        {
            _context.Console.Note($"no log lines yet for {ns}/{name}: it has not run (invoke it, or follow with -f)");
        }

        return ExitCodes.Ok;
    }

    /// <summary>"[instance] text", the prefix kubectl's --prefix uses, so lines of several instances stay apart.</summary>
    internal static string Format(LogLine line) => line.Instance.Length == 0 ? line.Text : "[" + line.Instance + "] " + line.Text;
}
