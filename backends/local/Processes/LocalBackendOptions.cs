using System.Globalization;
using Serverless.Core.Api;
using Serverless.Core.Configuration;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Local.Processes;

/// <summary>Settings of the local process backend. Every duration and size documents its default.</summary>
public sealed class LocalBackendOptions
{
    /// <summary>
    /// Required. Root of the backend's files: instance logs under <c>{state}/logs/{namespace}/{name}/{instanceId}.log</c>,
    /// pid files under <c>{state}/instances/{instanceId}.pid</c>.
    /// </summary>
    public string StateDirectory { get; set; } = "";

    /// <summary>
    /// Where the runtimes are installed (<c>{dir}/dotnet</c>, <c>{dir}/node</c>, <c>{dir}/python</c>); the default
    /// command table is computed from it. Default: <c>../runtimes</c> next to the running assembly, which is
    /// <c>.out/runtimes</c> for the platform installed in <c>.out/platform</c>.
    /// </summary>
    public string? RuntimesDirectory { get; set; }

    /// <summary>
    /// Runtime name to command; entries here replace the defaults computed from <see cref="RuntimesDirectory"/>.
    /// The supervisor appends no argument: the runtime reads everything from its environment.
    /// </summary>
    public IDictionary<string, RuntimeCommand> Runtimes { get; } = new Dictionary<string, RuntimeCommand>(StringComparer.Ordinal);

    /// <summary>
    /// Every child is started as <c>setpriv --pdeathsig KILL -- cmd args</c> so the kernel kills it if the platform
    /// dies without cleaning up. Null or a missing file: children start directly (a warning is logged).
    /// Default <c>/usr/bin/setpriv</c>.
    /// </summary>
    public string? SetprivPath { get; set; } = "/usr/bin/setpriv";

    /// <summary>How often a starting instance is probed on <c>/readyz</c>. Default 50 ms.</summary>
    public TimeSpan StartupProbeInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often a ready (or no longer ready) instance is probed. Default 1 s.</summary>
    public TimeSpan ReadyProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest one probe may take before it counts as failed. Default 1 s.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>An instance not ready this long after its start is killed and counted as a failed start. Default 60 s.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Delay before the first restart after a crash; doubles with each further crash. Default 200 ms.</summary>
    public TimeSpan RestartBackoffBase { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest delay between restarts. Default 10 s.</summary>
    public TimeSpan RestartBackoffMax { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>An instance that ran at least this long before it exited restarts the backoff from the base. Default 30 s.</summary>
    public TimeSpan RestartBackoffResetAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>An instance's log file is rotated to <c>.log.1</c> (one kept) when it would grow past this. Default 4 MiB.</summary>
    public long LogFileMaxBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Log files of exited instances kept per function; older ones are deleted. Default 20.</summary>
    public int RetainedExitedInstanceLogs { get; set; } = 20;

    /// <summary>
    /// A draining instance gets the function timeout plus this to finish in-flight requests after SIGTERM,
    /// then it is killed. Default 5 s.
    /// </summary>
    /// <summary>
    /// Requests in flight to an instance (from the activator), so scale-down drains the idlest first.
    /// Null: no load information; the newest instances drain first.
    /// </summary>
    public Func<FunctionKey, string, int>? InstanceLoad { get; set; }

    public TimeSpan DrainGraceExtra { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// When the backend is disposed, the longest instances may drain before they are killed (shorter than a
    /// function timeout, so stopping the platform is prompt). Default 10 s.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The runtime commands in effect: the defaults from <see cref="RuntimesDirectory"/>, overridden by <see cref="Runtimes"/>.</summary>
    public IReadOnlyDictionary<string, RuntimeCommand> ResolveRuntimeCommands()
    {
        var dir = RuntimesDirectory ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "runtimes"));
        var table = new Dictionary<string, RuntimeCommand>(StringComparer.Ordinal)
        {
            [RuntimeNames.Dotnet] = new("dotnet", [Path.Combine(dir, "dotnet", "Serverless.Runtime.Dotnet.dll")]),
            [RuntimeNames.Node] = new("node", [Path.Combine(dir, "node", "index.js")]),
            [RuntimeNames.Python] = new("python3", [Path.Combine(dir, "python", "runtime.py")]),
        };
        foreach (var (name, command) in Runtimes)
        {
            table[name] = command;
        }

        return table;
    }

    /// <summary>Every invalid setting, each naming the key, the value and the allowed range; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var checks = new OptionChecks();
        if (string.IsNullOrWhiteSpace(StateDirectory))
        {
            checks.Add("StateDirectory is required");
        }

        Positive(checks, nameof(StartupProbeInterval), StartupProbeInterval);
        Positive(checks, nameof(ReadyProbeInterval), ReadyProbeInterval);
        Positive(checks, nameof(ProbeTimeout), ProbeTimeout);
        Positive(checks, nameof(StartupTimeout), StartupTimeout);
        Positive(checks, nameof(RestartBackoffBase), RestartBackoffBase);
        checks.Require(
            RestartBackoffMax >= RestartBackoffBase,
            nameof(RestartBackoffMax),
            Text(RestartBackoffMax),
            $"must be at least {nameof(RestartBackoffBase)} ({Text(RestartBackoffBase)})");
        Positive(checks, nameof(RestartBackoffResetAfter), RestartBackoffResetAfter);
        checks
            .Require(LogFileMaxBytes >= 1024, nameof(LogFileMaxBytes), LogFileMaxBytes, "must be at least 1024")
            .Require(RetainedExitedInstanceLogs >= 0, nameof(RetainedExitedInstanceLogs), RetainedExitedInstanceLogs, "must be 0 or more")
            .Require(DrainGraceExtra >= TimeSpan.Zero, nameof(DrainGraceExtra), Text(DrainGraceExtra), "must not be negative")
            .Require(ShutdownTimeout >= TimeSpan.Zero, nameof(ShutdownTimeout), Text(ShutdownTimeout), "must not be negative");
        foreach (var (name, command) in Runtimes)
        {
            if (string.IsNullOrWhiteSpace(command.Executable))
            {
                checks.Add($"Runtimes[{name}].Executable is empty");
            }
        }

        return checks.Problems;
    }

    // These are code-level settings (property names, TimeSpan text), not config.json keys.
    private static void Positive(OptionChecks checks, string key, TimeSpan value) =>
        checks.Require(value > TimeSpan.Zero, key, Text(value), "must be greater than zero");

    private static string Text(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
