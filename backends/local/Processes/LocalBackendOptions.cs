using System.Globalization;
using Microsoft.Extensions.Configuration;
using Serverless.Backends.Local.Sandbox;
using Serverless.Core.Api;
using Serverless.Core.Configuration;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Local.Processes;

/// <summary>
/// Settings of the local process backend. Every duration and size documents its default. The keys users set live
/// in the <c>local</c> section of config.json (<see cref="Bind"/>, <c>backends/local/local.sample.json</c>).
/// </summary>
public sealed class LocalBackendOptions
{
    public const string SandboxKey = "sandbox";
    public const string SandboxUidKey = "sandbox-uid";
    public const string SandboxGidKey = "sandbox-gid";
    public const string MaxInstancesKey = "max-instances";
    public const string PoolSizeKey = "pool-size";
    public const string InstancePidsLimitKey = "instance-pids-limit";
    public const string LogMaxBytesKey = "log-max-bytes";
    public const string SourceRootsKey = "source-roots";

    /// <summary>
    /// Default of <see cref="MaxInstances"/>: idle runtimes take 20–60 MB each, so 100 is what a laptop or a small
    /// server holds next to its other work, and far above what one machine serves well anyway.
    /// </summary>
    public const int DefaultMaxInstances = 100;

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

    /// <summary>
    /// Each unsandboxed instance is started as <c>setsid …</c>, the leader of its own process group, which is killed
    /// with it. Null or a missing file: no group (a warning is logged). Default <c>/usr/bin/setsid</c>.
    /// </summary>
    public string? SetsidPath { get; set; } = "/usr/bin/setsid";

    /// <summary>The per-instance sandbox: on by default.</summary>
    public SandboxOptions Sandbox { get; } = new();

    /// <summary>
    /// Instances of all functions together (<c>max-instances</c>): the backend starts no more, and admission refuses a
    /// Function whose minScale, maxScale or initialScale is above it. Default <see cref="DefaultMaxInstances"/>.
    /// </summary>
    public int MaxInstances { get; set; } = DefaultMaxInstances;

    /// <summary>
    /// Generic instances kept warm per runtime of <see cref="PooledRuntimes"/> (<c>pool-size</c>): a cold start
    /// specializes one instead of spawning a process. They count in <see cref="MaxInstances"/>. Default 1; 0 turns
    /// pools off. With the sandbox on each pool instance waits in a sandbox of its own, whose function directory is
    /// filled at its specialization (<see cref="WarmPool"/>).
    /// </summary>
    public int PoolSize { get; set; } = 1;

    /// <summary>The runtimes that implement generic mode and <c>POST /specialize</c> (runtimes/README.md): dotnet, node and python.</summary>
    public IReadOnlySet<string> PooledRuntimes { get; set; } = new HashSet<string>(StringComparer.Ordinal) { RuntimeNames.Dotnet, RuntimeNames.Node, RuntimeNames.Python };

    /// <summary>
    /// Processes and threads one instance may have (<c>instance-pids-limit</c>, the cgroup's <c>pids.max</c>), so a
    /// fork bomb stays in its instance. 0: no limit. Default 4096, room for a thread per request of a busy runtime.
    /// </summary>
    public int InstancePidsLimit { get; set; } = 4096;

    /// <summary>
    /// How often a starting instance is probed on <c>/readyz</c>. Default 5 ms: a cold request waits for the probe that
    /// sees the instance ready, so a 50 ms interval added 25 ms on average to every cold start (bench/coldstart). Only a
    /// cold start is probed that fast, and only from its runtime's "listening on" line, for a second: before the line,
    /// beside a ready instance, or after that second, a starting instance is probed every 50 ms at most
    /// (<see cref="StartupProbeSchedule"/>).
    /// </summary>
    public TimeSpan StartupProbeInterval { get; set; } = TimeSpan.FromMilliseconds(5);

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

    /// <summary>
    /// An instance's log file is rotated to <c>.log.1</c> (one kept) when it would grow past this, and so is the detached
    /// platform's <c>platform.log</c>. Default 4 MiB; config.json <c>local.log-max-bytes</c>.
    /// </summary>
    public long LogFileMaxBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Log files of exited instances kept per function; older ones are deleted. Default 20.</summary>
    public int RetainedExitedInstanceLogs { get; set; } = 20;

    /// <summary>
    /// Requests in flight to an instance (from the activator), so scale-down drains the idlest first.
    /// Null: no load information; the newest instances drain first.
    /// </summary>
    public Func<FunctionKey, string, int>? InstanceLoad { get; set; }

    /// <summary>
    /// Called for every line of an instance's output that could not be written to its log (a full disk), with the
    /// instance's Function and revision name (empty when none); the platform counts them
    /// (<c>serverless_instance_output_lines_dropped_total{function,revision}</c>). Null: not counted.
    /// </summary>
    public Action<FunctionKey, string>? OutputLineDropped { get; set; }

    /// <summary>
    /// Directories, besides the artifact store, that a Function's <c>spec.source.path</c> may point below
    /// (config.json <c>local.source-roots</c>, absolute paths). Default none: only what <c>func deploy</c> installed runs.
    /// </summary>
    public IReadOnlyList<string> SourceRoots { get; set; } = [];

    /// <summary>
    /// Called after each specialization of a pool instance with its runtime, duration and success; the platform keeps
    /// the histogram (<c>serverless_pool_specialization_duration_seconds</c>). Null: not measured.
    /// </summary>
    public Action<string, TimeSpan, bool>? Specialized { get; set; }

    /// <summary>Checked again at each instance start (the platform builds it from <see cref="SourceRoots"/>); null: not checked.</summary>
    public SourcePathPolicy? SourcePolicy { get; set; }

    /// <summary>
    /// A draining instance gets the function timeout plus this to finish in-flight requests after SIGTERM,
    /// then it is killed. Default 5 s.
    /// </summary>
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

        ValidateKeys(checks);
        return checks.Problems;
    }

    /// <summary>
    /// Reads the <c>local</c> section of config.json over the defaults: <c>sandbox</c>, <c>sandbox-uid</c>,
    /// <c>sandbox-gid</c>, <c>max-instances</c>, <c>pool-size</c>, <c>instance-pids-limit</c>, <c>log-max-bytes</c>, <c>source-roots</c>. The caller sets the paths. Throws
    /// <see cref="InvalidOperationException"/> listing every unreadable or out-of-range value, one per line.
    /// </summary>
    public static LocalBackendOptions Bind(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var values = new ConfigurationValues(section);
        var options = new LocalBackendOptions();
        values.Boolean(SandboxKey, v => options.Sandbox.Enabled = v);
        values.Integer(SandboxUidKey, v => options.Sandbox.Uid = v);
        values.Integer(SandboxGidKey, v => options.Sandbox.Gid = v);
        values.Integer(MaxInstancesKey, v => options.MaxInstances = v);
        values.Integer(PoolSizeKey, v => options.PoolSize = v);
        values.Integer(InstancePidsLimitKey, v => options.InstancePidsLimit = v);
        values.Bytes(LogMaxBytesKey, v => options.LogFileMaxBytes = v);
        var errors = values.Problems.ToList();
        var roots = section.GetSection(SourceRootsKey);
        if (!string.IsNullOrEmpty(roots.Value))
        {
            errors.Add($"{SourceRootsKey} = {roots.Value}, must be a list of absolute directories, e.g. [\"/home/me/functions\"]");
        }
        else
        {
            options.SourceRoots = [.. roots.GetChildren().Select(child => child.Value ?? "")];
        }

        if (errors.Count == 0)
        {
            var checks = new OptionChecks();
            options.ValidateKeys(checks);
            errors.AddRange(checks.Problems);
        }

        return errors.Count == 0
            ? options
            : throw new InvalidOperationException("invalid local configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
    }

    /// <summary>The settings config.json may carry, in its key names.</summary>
    private void ValidateKeys(OptionChecks checks)
    {
        checks
            .Require(MaxInstances >= 1, MaxInstancesKey, MaxInstances, "must be at least 1")
            .Require(PoolSize is >= 0 and <= 100, PoolSizeKey, PoolSize, "must be 0 (no pool) to 100")
            .Require(InstancePidsLimit >= 0, InstancePidsLimitKey, InstancePidsLimit, "must be 0 (no limit) or more")
            .Require(LogFileMaxBytes >= 1024, LogMaxBytesKey, LogFileMaxBytes, "must be at least 1024");
        foreach (var root in SourceRoots)
        {
            checks.Require(Path.IsPathFullyQualified(root) && root != "/", SourceRootsKey, root, "must be an absolute directory other than /");
        }

        Sandbox.Validate(checks);
    }

    // These are code-level settings (property names, TimeSpan text), not config.json keys.
    private static void Positive(OptionChecks checks, string key, TimeSpan value) =>
        checks.Require(value > TimeSpan.Zero, key, Text(value), "must be greater than zero");

    private static string Text(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
