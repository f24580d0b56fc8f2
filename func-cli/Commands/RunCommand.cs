using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Serverless.Cli.App;
using Serverless.Cli.Build;
using Serverless.Cli.Project;
using Serverless.Cli.Running;
using Serverless.Cli.Watching;

namespace Serverless.Cli.Commands;

/// <summary>
/// <c>func run [dir] [--watch]</c>: runs the function on this machine without the platform, by starting its
/// runtime from the install layout as the local backend would; prints its URL once it answers /readyz.
/// <c>--watch</c> rebuilds and restarts it after each saved change. Ctrl+C stops it (exit 0).
/// </summary>
internal sealed class RunCommand
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ReadyPoll = TimeSpan.FromMilliseconds(100);

    private readonly CliContext _context;

    private RunCommand(CliContext context)
    {
        _context = context;
    }

    public static Command Create(CliContext context, GlobalOptions global)
    {
        var directory = CommonOptions.ProjectDirectory();
        var watch = new Option<bool>("--watch", "-w") { Description = "Rebuild and restart on every saved change" };
        var port = new Option<int>("--port") { Description = "The port to listen on, on 127.0.0.1 [default: a free one]", HelpName = "port" };
        port.Validators.Add(result =>
        {
            if (OptionValues.TryGet<int>(result, out var value) && value is < 0 or > 65535)
            {
                result.AddError("--port must be a number from 1 to 65535");
            }
        });
        var env = CommonOptions.EnvOverrides();
        var command = new Command("run", "Run a function locally without the platform and print its URL") { directory, watch, port, env };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            context,
            () => new RunCommand(context).RunAsync(
                Path.GetFullPath(parse.GetRequiredValue(directory)), parse.GetValue(watch), parse.GetValue(port), parse.GetValue(env) ?? [], cancellationToken),
            cancellationToken));
        return command;
    }

    private async Task<int> RunAsync(string directory, bool watch, int port, IReadOnlyList<string> env, CancellationToken cancellationToken)
    {
        var runtimes = RuntimesDirectory.Resolve(_context.Environment);
        var chosenPort = port > 0 ? port : FreePort();
        var session = new RunSession(_context, directory, env, runtimes, chosenPort);
        using var watcher = watch && Directory.Exists(directory) ? new ChangeWatcher(directory, _context.Time) : null;
        try
        {
            await session.StartAsync(cancellationToken).ConfigureAwait(false);
            if (watcher is not null)
            {
                _context.Console.Note($"watching {directory} for changes (Ctrl+C to stop)");
                await watcher.RunAsync(
                    async token =>
                    {
                        _context.Console.Note("change detected: rebuilding and restarting");
                        await session.RestartAsync(token).ConfigureAwait(false);
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await session.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C is how `func run` ends.
        }
        finally
        {
            await session.DisposeAsync().ConfigureAwait(false);
        }

        return session.Failed ? ExitCodes.Failure : ExitCodes.Ok;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The running build: its artifact and process, replaced whole on restart.</summary>
    private sealed class RunSession(CliContext context, string directory, IReadOnlyList<string> env, string runtimes, int port) : IAsyncDisposable
    {
        private PreparedArtifact? _artifact;
        private RuntimeProcess? _process;
        private int _platformPort;

        /// <summary>The runtime exited on its own with a failure (not stopped by us).</summary>
        public bool Failed { get; private set; }

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var project = ProjectLoader.Load(directory, env);
            var built = await ArtifactBuild.RunAsync(context, project, directory, cancellationToken).ConfigureAwait(false);
            try
            {
                // The runtime's probe port, apart from the function's: /readyz on PORT would be the function's own path.
                do
                {
                    _platformPort = FreePort();
                }
                while (_platformPort == port);

                var plan = LocalRunPlan.Build(project, runtimes, built.Root, port, _platformPort, File.Exists);
                _process = RuntimeProcess.Start(plan, directory, context.Console, context.Processes);
                _artifact = built;
            }
            catch
            {
                built.Dispose();
                throw;
            }

            await WaitReadyAsync(project.Name, cancellationToken).ConfigureAwait(false);
            context.Console.Success($"{project.Name} is running at http://127.0.0.1:{port}/ (Ctrl+C to stop)");
            await context.Console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Stops the current build and starts the new one; a failed build is reported and the watch goes on.</summary>
        public async Task RestartAsync(CancellationToken cancellationToken)
        {
            await StopAsync().ConfigureAwait(false);
            try
            {
                await StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (CliException ex)
            {
                context.Console.Fail(ex.Message, ex.Details, "fix it and save: the watch rebuilds on the next change");
            }
        }

        /// <summary>Until the runtime exits on its own (a crash) or the user stops it.</summary>
        public async Task WaitAsync(CancellationToken cancellationToken)
        {
            await _process!.Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
            Failed = true;
            context.Console.Fail($"the runtime exited with code {_process.ExitCode}", [], "see its output above; fix the function and run `func run` again");
        }

        public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

        private async Task StopAsync()
        {
            if (_process is not null)
            {
                await _process.DisposeAsync().ConfigureAwait(false);
                _process = null;
            }

            _artifact?.Dispose();
            _artifact = null;
        }

        private async Task WaitReadyAsync(string name, CancellationToken cancellationToken)
        {
            using var http = context.CreateHttpClient(new Uri($"http://127.0.0.1:{_platformPort}/"), TimeSpan.FromSeconds(2));
            using var deadline = new CancellationTokenSource(ReadyTimeout, context.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            try
            {
                while (true)
                {
                    if (_process!.HasExited)
                    {
                        throw new CliException($"{name}'s runtime exited with code {_process.ExitCode} before it was ready", "see its output above");
                    }

                    try
                    {
                        using var response = await http.GetAsync("readyz", linked.Token).ConfigureAwait(false);
                        if (response.IsSuccessStatusCode)
                        {
                            return;
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // Not listening yet.
                    }
                    catch (TaskCanceledException) when (!linked.IsCancellationRequested)
                    {
                        // One slow probe; try again.
                    }

                    await Task.Delay(ReadyPoll, context.Time, linked.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new CliException($"{name} did not answer /readyz on port {_platformPort} within {ReadyTimeout.TotalSeconds:0} s", "see its output above");
            }
        }
    }
}
