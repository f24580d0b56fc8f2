using System.CommandLine;
using System.CommandLine.Invocation;
using Serverless.Cli.App;
using Serverless.Cli.Targets;

namespace Serverless.Cli.Commands;

/// <summary>The <c>func</c> command tree and its entry point, runnable in-process with any <see cref="CliContext"/> and targets.</summary>
internal static class CliApp
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
            DescribeCommand.Create(context, global, targets),
            DeleteCommand.Create(context, global, targets),
            LogsCommand.Create(context, global, targets),
            TopCommand.Create(context, global, targets),
            SubscribeCommand.Create(context, global, targets),
            ConfigCommand.Create(context),
            UpCommand.Create(context),
            DownCommand.Create(context),
            StatusCommand.Create(context),
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
                context.Console.Error.WriteLine("error: " + error.Message);
            }

            var command = parse.CommandResult.Command;
            context.Console.Error.WriteLine(command is RootCommand ? "run `func --help` for usage" : $"run `func {command.Name} --help` for usage");
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
}
