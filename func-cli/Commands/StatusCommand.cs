using System.CommandLine;
using System.Globalization;
using Serverless.Cli.App;
using Serverless.Cli.Output;
using Serverless.Cli.Platform;
using Serverless.Cli.Targets;
using Serverless.Cli.Targets.Local;

namespace Serverless.Cli.Commands;

/// <summary><c>func status</c>: whether the local platform runs, where, and how many functions it holds. Exit 1 when it does not run.</summary>
internal sealed class StatusCommand
{
    private readonly CliContext context;

    private StatusCommand(CliContext context)
    {
        this.context = context;
    }

    public static Command Create(CliContext context)
    {
        var output = StructuredOutput.Option();
        var command = new Command("status", "Show whether the local platform is running") { output };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            context, () => new StatusCommand(context).RunAsync(parse.GetValue(output), cancellationToken), cancellationToken));
        return command;
    }

    private async Task<int> RunAsync(OutputFormat format, CancellationToken cancellationToken)
    {
        var found = await new PlatformProbe(context).InspectAsync(cancellationToken).ConfigureAwait(false);
        switch (found.Liveness)
        {
            case PlatformLiveness.NotRunning:
            case PlatformLiveness.Stale:
            case PlatformLiveness.Unresponsive when !DownDecision.LooksLikePlatform(context.Processes.CommandLine(found.State!.Pid), context.Home):
                throw new PlatformNotRunningException(found.Problem);
            case PlatformLiveness.Unresponsive:
                throw new CliException(
                    found.Problem!,
                    $"see {HomeDirectory.PlatformLog(context.Home)}; if it is hung, restart it with `func down` and `func up`");
        }

        var state = found.State!;
        await using var target = LocalTarget.Open(context);
        var functions = await CountFunctionsAsync(target.Client, cancellationToken).ConfigureAwait(false);
        if (format != OutputFormat.Table)
        {
            StructuredOutput.Write(
                context.Console.Out,
                new PlatformStatus("running", state.Pid, state.StartedAt, state.IngressUrl, state.AdminUrl, context.AdminTokenSource, context.Home, functions),
                format);
            return ExitCodes.Ok;
        }

        var started = state.StartedAt is { } at
            ? at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + " (" + AgeFormatter.Format(context.Time.GetUtcNow() - at) + " ago)"
            : "unknown";
        context.Console.Fields(
        [
            new("Status", "running"),
            new("PID", state.Pid.ToString(CultureInfo.InvariantCulture)),
            new("Started", started),
            new("Ingress", state.IngressUrl),
            new("Admin API", state.AdminUrl),
            new("Token", context.AdminTokenSource),
            new("Home", context.Home),
            new("Functions", functions),
        ]);
        return ExitCodes.Ok;
    }

    private static async Task<string> CountFunctionsAsync(AdminClient client, CancellationToken cancellationToken)
    {
        try
        {
            var all = await client.ListAsync(null, cancellationToken).ConfigureAwait(false);
            return all.Count.ToString(CultureInfo.InvariantCulture);
        }
        catch (AdminApiException ex)
        {
            // The platform runs (it answered /readyz); a failing count should not hide that.
            return "unknown (" + ex.Message + ")";
        }
    }
}
