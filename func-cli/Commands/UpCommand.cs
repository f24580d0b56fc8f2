using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Serverless.Cli.App;
using Serverless.Cli.Build;
using Serverless.Cli.Platform;
using Serverless.Cli.Processes;
using Serverless.Hosting.Processes;

namespace Serverless.Cli.Commands;

/// <summary><c>func up</c>: starts the local platform in the foreground, or detached with its log under the home.</summary>
internal sealed class UpCommand
{
    /// <summary>A cold start JIT-compiles the host and opens the store; a minute is generous on a 2-core machine.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private const int LogLinesOnFailure = 20;

    private readonly CliContext _context;

    private UpCommand(CliContext context)
    {
        _context = context;
    }

    public static Command Create(CliContext context)
    {
        var detach = new Option<bool>("--detach", "-d")
        {
            Description = "Run in the background, logging to <home>/logs/platform.log, and return once it is ready",
        };
        var ingress = AddressOption("--ingress", new ListenAddress(ListenAddress.DefaultHost, 8080), "Where functions are served (host:port; port 0 picks a free one)");
        var admin = AddressOption("--admin", new ListenAddress(ListenAddress.DefaultHost, 8081), "Where the admin API listens (host:port)");
        var noSandbox = new Option<bool>("--no-sandbox")
        {
            Description = "Run function instances without the sandbox, as your user with your file access (func status warns)",
        };
        var kubeconfig = new Option<string?>("--kubeconfig")
        {
            Description = "Once the platform is ready, write a kubeconfig for its admin API to this path (0600; as `func kubeconfig` prints it)",
            HelpName = "path",
        };
        var plainHttp = new Option<bool>("--admin-plain-http")
        {
            Description = "Serve the admin API over plain HTTP instead of HTTPS (for a proxy that terminates TLS; kubectl sends no token over plain HTTP)",
        };
        var brokerUrl = new Option<Uri?>("--broker-url")
        {
            Description = "Run Brokers on this RabbitMQ (amqp:// or amqps://) instead of SQLite, as in production; handed to the platform in its environment, never on a command line or in a log",
            HelpName = "amqp-url",
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "amqp" or "amqps" && url.Host.Length > 0)
                {
                    return url;
                }

                // The value may hold a password: the message shows its scheme at most.
                result.AddError("--broker-url: must be an amqp:// or amqps:// URL with a host (e.g. amqp://user:password@localhost:5672/)");
                return null;
            },
        };
        var command = new Command("up", "Start the local platform") { detach, ingress, admin, noSandbox, kubeconfig, plainHttp, brokerUrl };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            context,
            () => new UpCommand(context).RunAsync(
                parse.GetValue(detach), parse.GetRequiredValue(ingress), parse.GetRequiredValue(admin), !parse.GetValue(noSandbox), parse.GetValue(kubeconfig), parse.GetValue(plainHttp), parse.GetValue(brokerUrl), cancellationToken),
            cancellationToken));
        return command;
    }

    private static Option<ListenAddress> AddressOption(string name, ListenAddress fallback, string description) => new(name)
    {
        Description = description,
        HelpName = "host:port",
        DefaultValueFactory = _ => fallback,
        CustomParser = result =>
        {
            if (ListenAddress.TryParse(result.Tokens.Count == 1 ? result.Tokens[0].Value : null, out var address, out var error))
            {
                return address;
            }

            result.AddError(name + ": " + error);
            return null;
        },
    };

    private async Task<int> RunAsync(bool detach, ListenAddress ingress, ListenAddress admin, bool sandbox, string? kubeconfig, bool plainHttp, Uri? brokerUrl, CancellationToken cancellationToken)
    {
        var probe = new PlatformProbe(_context);
        var found = await probe.InspectAsync(cancellationToken).ConfigureAwait(false);
        switch (found.Liveness)
        {
            case PlatformLiveness.Running:
                _context.Console.Line($"the local platform is already running (pid {found.State!.Pid})");
                _context.Console.Line("  ingress: " + found.State.IngressUrl);
                _context.Console.Line("  admin:   " + found.State.AdminUrl);
                return ExitCodes.Ok;
            case PlatformLiveness.Unresponsive when DownDecision.LooksLikePlatform(_context.Processes.CommandLine(found.State!.Pid), _context.Home):
                throw new CliException(
                    $"a platform (pid {found.State.Pid}) is running for {_context.Home} but its admin API at {found.State.AdminUrl} does not answer",
                    $"if it is still starting, wait; otherwise stop it with `func down` (its log: {HomeDirectory.PlatformLog(_context.Home)})");
            case PlatformLiveness.Unresponsive or PlatformLiveness.Stale:
                // Left behind by a killed platform; the new one writes its own once ready.
                PlatformStateFile.Delete(_context.Home);
                _context.Console.Note($"removed a stale {PlatformStateFile.FileName}: {found.Problem}");
                break;
        }

        var platformDll = PlatformLauncher.ResolvePlatformDll(_context.Environment);
        if (!File.Exists(platformDll))
        {
            throw new CliException(
                $"the platform host is missing: {platformDll}",
                $"build it with scripts/build (./func does), or set {PlatformLauncher.PlatformDllVariable} to Serverless.Platform.dll");
        }

        HomeDirectory.Create(_context.Home);
        var arguments = PlatformLauncher.Arguments(
            platformDll, _context.Home, ingress, admin, sandbox, detach ? HomeDirectory.PlatformLog(_context.Home) : null, kubeconfig, plainHttp);
        var dotnet = DotnetHost.Resolve(_context.Environment);
        var environment = brokerUrl is null
            ? new Dictionary<string, string>()
            : new Dictionary<string, string> { [PlatformLauncher.BrokerUrlVariable] = brokerUrl.OriginalString };
        return detach
            ? await StartDetachedAsync(dotnet, arguments, environment, probe, cancellationToken).ConfigureAwait(false)
            : await RunAttachedAsync(dotnet, arguments, environment).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the platform as a child on this terminal until it exits. Ctrl+C and SIGTERM are passed on
    /// rather than acted on, so the platform drains its functions and its exit code becomes ours.
    /// </summary>
    private async Task<int> RunAttachedAsync(string dotnet, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        using var process = PlatformLauncher.StartAttached(dotnet, arguments, environment);
        void Forward(PosixSignalContext signal, int number)
        {
            signal.Cancel = true;
            if (!process.HasExited)
            {
                _context.Processes.Signal(process.Id, number);
            }
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, s => Forward(s, NativeMethods.SigInt));
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, s => Forward(s, NativeMethods.SigTerm));

        // Not cancellable on purpose: leaving before the child exits would orphan it mid-drain.
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        return process.ExitCode;
    }

    private async Task<int> StartDetachedAsync(string dotnet, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, PlatformProbe probe, CancellationToken cancellationToken)
    {
        var log = HomeDirectory.PlatformLog(_context.Home);
        await HomeDirectory.AppendToPlatformLogAsync(
            _context.Home,
            $"--- func up --detach at {_context.Time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture)}{Environment.NewLine}",
            cancellationToken).ConfigureAwait(false);

        using var process = PlatformLauncher.StartDetached(dotnet, arguments, log, environment);
        var state = await _context.Console.WithStatusAsync(
            "starting the local platform…",
            _ => WaitUntilReadyAsync(process, probe, cancellationToken)).ConfigureAwait(false);
        if (state is null)
        {
            var why = process.HasExited
                ? $"the platform exited with code {process.ExitCode} while starting"
                : $"the platform did not become ready within {StartTimeout.TotalSeconds:0} s; it was stopped";
            if (!process.HasExited)
            {
                _context.Processes.Signal(process.Id, NativeMethods.SigTerm);
            }

            var tail = LogTail.ReadLastLines(log, LogLinesOnFailure);
            throw new CliException(
                why,
                $"the lines above are the end of {log}",
                tail.Count == 0 ? ["(the log is empty)"] : tail);
        }

        _context.Console.Success($"the local platform is running (pid {state.Pid})");
        _context.Console.Line("  ingress: " + state.IngressUrl);
        _context.Console.Line("  admin:   " + state.AdminUrl);
        _context.Console.Line("  log:     " + log);
        return ExitCodes.Ok;
    }

    /// <summary>The platform's state once platform.json names a live pid whose /readyz answers; null if it exits or times out.</summary>
    private async Task<PlatformState?> WaitUntilReadyAsync(Process process, PlatformProbe probe, CancellationToken cancellationToken)
    {
        var started = _context.Time.GetTimestamp();
        while (_context.Time.GetElapsedTime(started) < StartTimeout)
        {
            if (process.HasExited)
            {
                return null;
            }

            var read = PlatformStateFile.Read(_context.Home);
            if (read.State is { } state
                && _context.Processes.IsAlive(state.Pid)
                && await probe.IsReadyAsync(state.AdminUri, cancellationToken).ConfigureAwait(false))
            {
                return state;
            }

            await Task.Delay(PollInterval, _context.Time, cancellationToken).ConfigureAwait(false);
        }

        return null;
    }
}
