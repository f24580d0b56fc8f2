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
    private readonly CliContext _context;

    private StatusCommand(CliContext context)
    {
        _context = context;
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
        var found = await new PlatformProbe(_context).InspectAsync(cancellationToken).ConfigureAwait(false);
        switch (found.Liveness)
        {
            case PlatformLiveness.NotRunning:
            case PlatformLiveness.Stale:
            case PlatformLiveness.Unresponsive when !DownDecision.LooksLikePlatform(_context.Processes.CommandLine(found.State!.Pid), _context.Home):
                throw new PlatformNotRunningException(found.Problem);
            case PlatformLiveness.Unresponsive:
                throw new CliException(
                    found.Problem!,
                    $"see {HomeDirectory.PlatformLog(_context.Home)}; if it is hung, restart it with `func down` and `func up`");
        }

        var state = found.State!;
        await using var target = LocalTarget.Open(_context);
        var functions = await CountFunctionsAsync(target.Client, cancellationToken).ConfigureAwait(false);
        if (format != OutputFormat.Table)
        {
            StructuredOutput.Write(
                _context.Console.Out,
                new PlatformStatus("running", state.Pid, state.StartedAt, state.IngressUrl, state.AdminUrl, _context.AdminTokenSource, _context.Home, functions, state.Sandbox, state.Pool),
                format);
            return ExitCodes.Ok;
        }

        var started = state.StartedAt is { } at
            ? at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + " (" + AgeFormatter.Format(_context.Time.GetUtcNow() - at) + " ago)"
            : "unknown";
        List<KeyValuePair<string, string>> fields =
        [
            new("Status", "running"),
            new("PID", state.Pid.ToString(CultureInfo.InvariantCulture)),
            new("Started", started),
            new("Ingress", state.IngressUrl),
            new("Admin API", state.AdminUrl),
            new("Token", _context.AdminTokenSource),
            new("Home", _context.Home),
            new("Functions", functions),
        ];
        if (state.Sandbox is { } sandbox)
        {
            fields.Add(new("Sandbox", sandbox ? "on" : "OFF (func up --no-sandbox or config.json local.sandbox: false)"));
        }

        if (state.Pool is { } pool)
        {
            fields.Add(new("Warm pool", pool.Count == 0
                ? "off (config.json local.pool-size 0)"
                : string.Join(", ", pool.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value}")))));
        }

        _context.Console.Fields(fields);
        if (state.Sandbox == false)
        {
            _context.Console.Note("warning: the function sandbox is off: functions run as the platform's user and can read its state, "
                + "its admin token and each other's files; restart with `func down` and `func up` to turn it on");
        }

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
