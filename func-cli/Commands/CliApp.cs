using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using Serverless.Cli.App;
using Serverless.Cli.Targets;

namespace Serverless.Cli.Commands;

/// <summary>The <c>func</c> command tree and its entry point, runnable in-process with any <see cref="CliContext"/> and targets.</summary>
internal static partial class CliApp
{
    public static RootCommand BuildRoot(CliContext context, FunctionTargets targets)
    {
        var global = new GlobalOptions();
        var root = new RootCommand("func: create, build, deploy, run and watch functions on the local Serverless platform or Kubernetes")
        {
            CreateCommand.Create(context),
            BuildCommand.Create(context),
            DeployCommand.Create(context, global, targets),
            RunCommand.Create(context, global),
            InvokeCommand.Create(context, global, targets),
            ListCommand.Create(context, global, targets),
            RevisionsCommand.Create(context, global, targets),
            TrafficCommand.Create(context, global, targets),
            DescribeCommand.Create(context, global, targets),
            DeleteCommand.Create(context, global, targets),
            LogsCommand.Create(context, global, targets),
            TopCommand.Create(context, global, targets),
            SubscribeCommand.Create(context, global, targets),
            ConfigCommand.Create(context),
            UpCommand.Create(context),
            DownCommand.Create(context),
            StatusCommand.Create(context),
            KubeconfigCommand.Create(context),
        };
        global.AddTo(root);
        return root;
    }

    /// <summary>Parses and runs; a command line that does not parse exits 2 with the errors and where to find usage.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliContext context, FunctionTargets targets, CancellationToken cancellationToken)
    {
        // No response files: `--data @body.json` means "the body is that file", not "read more arguments from it".
        var parse = BuildRoot(context, targets).Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Action is ParseErrorAction)
        {
            foreach (var error in parse.Errors)
            {
                context.Console.Error.WriteLine("error: " + Plain(error.Message));
            }

            context.Console.Error.WriteLine($"run `{CommandPath(parse.CommandResult)} --help` for usage");
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = context.Console.Out,
            Error = context.Console.Error,

            // Program.cs turns SIGINT/SIGTERM into cancellation itself; System.CommandLine's handler
            // would kill the process after 2 s, which cuts `func up`'s platform off mid-drain.
            ProcessTerminationTimeout = null,
        };
        return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The full command as typed, <c>func config scale</c>, so the usage hint names a command that exists.</summary>
    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? current = result; current is CommandResult command; current = command.Parent)
        {
            names.Add(command.Command is RootCommand ? "func" : command.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>
    /// The parser's conversion error in the user's words: <c>Cannot parse argument 'x' for option '--tail' as expected
    /// type 'System.Int32'</c> becomes <c>--tail: "x" is not a whole number from -2147483648 to 2147483647</c>.
    /// </summary>
    internal static string Plain(string message)
    {
        var match = ConversionError().Match(message);
        if (!match.Success)
        {
            return message;
        }

        var type = match.Groups["type"].Value;
        var expected = type.Contains("System.Int32", StringComparison.Ordinal) ? "a whole number from -2147483648 to 2147483647"
            : type.Contains("System.Double", StringComparison.Ordinal) ? "a number"
            : type.Contains("System.Boolean", StringComparison.Ordinal) ? "true or false"
            : "a valid value";
        return $"{match.Groups["option"].Value}: \"{match.Groups["value"].Value}\" is not {expected}";
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.?$", RegexOptions.Singleline)]
    private static partial Regex ConversionError();
}
