using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Serverless.TestSupport;

/// <summary>
/// A private RabbitMQ node for one test class: Debian's <c>rabbitmq-server</c> (installed by <c>scripts/rabbitmq-tools</c>,
/// which <c>./test</c> runs) on 127.0.0.1 with ephemeral AMQP, distribution and epmd ports, its data, logs, Erlang
/// cookie and plugin list in a temp directory, stopped (and its epmd with it) on dispose. Never the system service.
/// It can be stopped, killed and started again on the same data, as a restart of RabbitMQ in production would.
/// </summary>
/// <remarks>
/// No skip: when the server is missing or does not come up in <see cref="StartTimeout"/>, the test fails saying why.
/// </remarks>
public sealed class RabbitMqServer : IAsyncDisposable
{
    public const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static int _instances;

    private readonly TempDirectory _dir = new("rabbitmq");
    private readonly string _nodeName;
    private readonly int _epmdPort = FreePort.Next();
    private readonly int _distPort = FreePort.Next();
    private readonly StringBuilder _output = new();
    private Process? _process;

    private RabbitMqServer()
    {
        Port = FreePort.Next();
        _nodeName = $"serverless-test-{Environment.ProcessId}-{Interlocked.Increment(ref _instances)}@localhost";
        File.WriteAllText(System.IO.Path.Combine(_dir.Path, "enabled_plugins"), "[].");
        File.WriteAllText(System.IO.Path.Combine(_dir.Path, "rabbitmq-env.conf"), "");
    }

    public int Port { get; }

    /// <summary>The AMQP URL with the guest user, which RabbitMQ admits from loopback only.</summary>
    public Uri Url => new($"amqp://guest:guest@127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/");

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a fresh node and waits until it accepts AMQP connections.</summary>
    public static async Task<RabbitMqServer> StartAsync()
    {
        var server = new RabbitMqServer();
        try
        {
            await server.StartNodeAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the node again on the same data (after <see cref="StopAsync"/> or <see cref="Kill"/>).</summary>
    public async Task StartNodeAsync()
    {
        if (!File.Exists(ServerScript))
        {
            throw new InvalidOperationException($"{ServerScript} is missing: run scripts/rabbitmq-tools (apt-get install rabbitmq-server), as ./test does");
        }

        lock (_output)
        {
            _output.Clear();
        }

        var info = new ProcessStartInfo(ServerScript)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = _dir.Path,
        };
        var env = info.Environment;
        env["HOME"] = _dir.Path; // the Erlang cookie is created here, private to this node
        env["RABBITMQ_NODENAME"] = _nodeName;
        env["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
        env["RABBITMQ_NODE_PORT"] = Port.ToString(CultureInfo.InvariantCulture);
        env["RABBITMQ_DIST_PORT"] = _distPort.ToString(CultureInfo.InvariantCulture);
        env["ERL_EPMD_PORT"] = _epmdPort.ToString(CultureInfo.InvariantCulture);
        env["ERL_EPMD_ADDRESS"] = "127.0.0.1";
        env["RABBITMQ_MNESIA_BASE"] = System.IO.Path.Combine(_dir.Path, "mnesia");
        env["RABBITMQ_LOG_BASE"] = System.IO.Path.Combine(_dir.Path, "log");
        env["RABBITMQ_ENABLED_PLUGINS_FILE"] = System.IO.Path.Combine(_dir.Path, "enabled_plugins");
        env["RABBITMQ_CONF_ENV_FILE"] = System.IO.Path.Combine(_dir.Path, "rabbitmq-env.conf");
        env["RABBITMQ_CONFIG_FILE"] = System.IO.Path.Combine(_dir.Path, "rabbitmq");
        env["RABBITMQ_ADVANCED_CONFIG_FILE"] = System.IO.Path.Combine(_dir.Path, "advanced.config");
        var process = Process.Start(info) ?? throw new InvalidOperationException("rabbitmq-server did not start");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"rabbitmq-server exited with {process.ExitCode} while starting:{Environment.NewLine}{Output}");
            }

            if (Output.Contains("completed with", StringComparison.Ordinal) && await AcceptsAsync())
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"rabbitmq-server did not accept connections on 127.0.0.1:{Port} within {StartTimeout.TotalSeconds} s:{Environment.NewLine}{Output}");
    }

    /// <summary>What the node printed since its last start.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>A clean shutdown (SIGTERM), waiting for the node to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process || process.HasExited)
        {
            return;
        }

        Signals.Terminate(process.Id);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    /// <summary>SIGKILL of the node's process tree: no shutdown at all.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        StopEpmd();
        _dir.Dispose();
    }

    /// <summary>The node started its own epmd on the private port, as a daemon that outlives it: stopped here.</summary>
    private void StopEpmd()
    {
        try
        {
            var info = new ProcessStartInfo("epmd", ["-kill"]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            info.Environment["ERL_EPMD_PORT"] = _epmdPort.ToString(CultureInfo.InvariantCulture);
            using var epmd = Process.Start(info);
            epmd?.WaitForExit(10_000);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No epmd on the PATH: nothing was started under that name either.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task<bool> AcceptsAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
