using System.Globalization;
using Serverless.Backends.Local.Sandbox;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Local.Processes;

/// <summary>Builds the command line and environment of an instance; pure, so the rules are table-tested.</summary>
internal static class InstanceLaunchBuilder
{
    /// <summary>Platform variables (the admin token among them); never passed, whatever the allow-list says.</summary>
    public const string PlatformVariablePrefix = "SERVERLESS_";

    /// <summary>
    /// The platform's own socket tuning (platform/SocketTuning.cs): safe for the proxy, whose code never blocks,
    /// not for function code that may. A function that wants it sets it in its own <c>env</c>.
    /// </summary>
    public const string InlineSocketCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public const string Port = "PORT";

    /// <summary>The runtime's own endpoints (probes, metrics), off the function's path space (runtimes/README.md).</summary>
    public const string PlatformPort = "PLATFORM_PORT";

    /// <summary>Knative's names: the service and configuration are the function, the revision is its content hash.</summary>
    public const string Service = "K_SERVICE";

    public const string Configuration = "K_CONFIGURATION";

    public const string Revision = "K_REVISION";

    /// <summary>The function's namespace, which Knative does not pass; the runtimes label their metrics with it.</summary>
    public const string Namespace = "FUNCTION_NAMESPACE";
    public const string FunctionPath = "FUNCTION_PATH";
    public const string Handler = "HANDLER";
    public const string ContainerConcurrency = "CONTAINER_CONCURRENCY";
    public const string FunctionTimeout = "FUNCTION_TIMEOUT";
    public const string Home = "HOME";

    /// <summary>The instance id, for runtimes that include it in their logs or responses.</summary>
    public const string InstanceId = "INSTANCE_ID";

    /// <summary>
    /// The only variables of the platform's environment an instance gets: where programs are, language and time
    /// zone. Everything else (cloud credentials, tokens, proxies, the platform's own settings) stays with the
    /// platform; a function that needs a value declares it in its own <c>env</c>. No runtime needs more to start:
    /// each is executed by its real path (see <see cref="RuntimeInstallation"/>), so .NET finds its frameworks
    /// without <c>DOTNET_ROOT</c> and Python its library without <c>PYTHONHOME</c>.
    /// </summary>
    public static readonly IReadOnlyList<string> AllowedPlatformVariables = ["PATH", "LANG", "LANGUAGE", "TZ"];

    /// <summary>Locale categories (<c>LC_ALL</c>, <c>LC_CTYPE</c>, …) pass as well.</summary>
    public const string LocalePrefix = "LC_";

    /// <summary>
    /// An unsandboxed instance: <c>[setsid] [setpriv --pdeathsig KILL --] runtime args</c>. setsid makes the instance
    /// the leader of its own process group, so stopping it ends its children too; setpriv's parent-death signal
    /// ends it if the platform dies. Both exec, so the instance's pid is the runtime's.
    /// </summary>
    public static InstanceLaunch Build(
        WorkloadSpec spec,
        string sourcePath,
        string executablePath,
        RuntimeCommand command,
        InstancePorts ports,
        string instanceId,
        IEnumerable<KeyValuePair<string, string>> platformEnvironment,
        string? setprivPath,
        string? setsidPath = null)
    {
        var platform = platformEnvironment.ToList();
        var home = platform.FirstOrDefault(v => v.Key == Home).Value;
        var environment = BuildEnvironment(spec, sourcePath, ports, instanceId, platform, home);
        var chain = new List<string>();
        if (setsidPath is not null)
        {
            chain.Add(setsidPath);
        }

        if (setprivPath is not null)
        {
            chain.AddRange([setprivPath, "--pdeathsig", "KILL", "--"]);
        }

        chain.Add(executablePath);
        chain.AddRange(command.Arguments);
        return new InstanceLaunch(chain[0], chain[1..], sourcePath, environment, OwnProcessGroup: setsidPath is not null);
    }

    /// <summary>Generic mode: no function yet (runtimes/README.md, "Specialization").</summary>
    public const string Generic = "FUNCTION_GENERIC";

    /// <summary>The per-instance secret a <c>POST /specialize</c> must carry.</summary>
    public const string SpecializeToken = "SPECIALIZE_TOKEN";

    /// <summary>
    /// A generic (pool) instance, unsandboxed: as <see cref="Build"/>, but the environment holds only the allow-listed
    /// platform variables, HOME, the ports, the instance id, <c>FUNCTION_GENERIC=1</c> and the token. The function's
    /// variables arrive with the specialization (<see cref="SpecializationEnvironment"/>).
    /// </summary>
    public static InstanceLaunch BuildGeneric(
        string workingDirectory,
        string executablePath,
        RuntimeCommand command,
        InstancePorts ports,
        string instanceId,
        string token,
        IEnumerable<KeyValuePair<string, string>> platformEnvironment,
        string? setprivPath,
        string? setsidPath)
    {
        var platform = platformEnvironment.ToList();
        var environment = GenericEnvironment(ports, instanceId, token, platform, platform.FirstOrDefault(v => v.Key == Home).Value);
        var chain = new List<string>();
        if (setsidPath is not null)
        {
            chain.Add(setsidPath);
        }

        if (setprivPath is not null)
        {
            chain.AddRange([setprivPath, "--pdeathsig", "KILL", "--"]);
        }

        chain.Add(executablePath);
        chain.AddRange(command.Arguments);
        return new InstanceLaunch(chain[0], chain[1..], workingDirectory, environment, OwnProcessGroup: setsidPath is not null);
    }

    /// <summary>
    /// A generic (pool) instance in its sandbox: bubblewrap around <paramref name="layout"/>, whose artifact is the
    /// instance's staging directory, empty until the specialization fills it. The environment is
    /// <see cref="BuildGeneric"/>'s, with the sandbox's home: nothing of any function, nothing of the platform's.
    /// </summary>
    public static InstanceLaunch BuildGenericSandboxed(
        SandboxLayout layout,
        string executablePath,
        RuntimeCommand command,
        InstancePorts ports,
        string instanceId,
        string token,
        IEnumerable<KeyValuePair<string, string>> platformEnvironment)
    {
        var environment = GenericEnvironment(ports, instanceId, token, platformEnvironment, SandboxPaths.Home);
        var argv = SandboxCommandBuilder.Build(layout, executablePath, command.Arguments);
        return new InstanceLaunch(argv[0], argv.Skip(1).ToList(), layout.ArtifactPath, environment, Sandboxed: true);
    }

    /// <summary>The allow-listed platform variables, <c>HOME</c>, the ports, the instance id, generic mode and its token.</summary>
    private static Dictionary<string, string> GenericEnvironment(
        InstancePorts ports, string instanceId, string token, IEnumerable<KeyValuePair<string, string>> platformEnvironment, string? home)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in platformEnvironment)
        {
            if (IsAllowed(name))
            {
                environment[name] = value;
            }
        }

        if (home is not null)
        {
            environment[Home] = home;
        }

        environment[Port] = ports.Port.ToString(CultureInfo.InvariantCulture);
        environment[PlatformPort] = ports.PlatformPort.ToString(CultureInfo.InvariantCulture);
        environment[InstanceId] = instanceId;
        environment[Generic] = "1";
        environment[SpecializeToken] = token;
        return environment;
    }

    /// <summary>
    /// What a specialization sets in a generic instance: the same variables <see cref="BuildEnvironment"/> gives a
    /// process started for the function, less those the process keeps (the platform's, HOME, the ports, the instance id).
    /// </summary>
    public static IReadOnlyDictionary<string, string> SpecializationEnvironment(WorkloadSpec spec, string sourcePath, string instanceId)
    {
        var all = BuildEnvironment(spec, sourcePath, new InstancePorts(0, 0), instanceId, [], home: null);
        return all
            .Where(v => v.Key is not (Port or PlatformPort or InstanceId or FunctionPath or Handler))
            .ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
    }

    /// <summary>A sandboxed instance: bubblewrap, whose command line <see cref="SandboxCommandBuilder"/> makes.</summary>
    public static InstanceLaunch BuildSandboxed(
        WorkloadSpec spec,
        SandboxLayout layout,
        string executablePath,
        RuntimeCommand command,
        InstancePorts ports,
        string instanceId,
        IEnumerable<KeyValuePair<string, string>> platformEnvironment)
    {
        var environment = BuildEnvironment(spec, layout.ArtifactTarget, ports, instanceId, platformEnvironment, SandboxPaths.Home);
        var argv = SandboxCommandBuilder.Build(layout, executablePath, command.Arguments);

        // bubblewrap changes into the artifact inside; outside, the platform's own working directory is as good as any.
        return new InstanceLaunch(argv[0], argv.Skip(1).ToList(), layout.ArtifactPath, environment, Sandboxed: true);
    }

    /// <summary>
    /// The allow-listed platform variables, then <c>HOME</c>, then the function's <c>env</c> (which may override
    /// both), then the variables the runtime contract defines, which the function cannot override.
    /// </summary>
    public static IReadOnlyDictionary<string, string> BuildEnvironment(
        WorkloadSpec spec,
        string sourcePath,
        InstancePorts ports,
        string instanceId,
        IEnumerable<KeyValuePair<string, string>> platformEnvironment,
        string? home)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in platformEnvironment)
        {
            if (IsAllowed(name))
            {
                environment[name] = value;
            }
        }

        if (home is not null)
        {
            environment[Home] = home;
        }

        foreach (var (name, value) in spec.Environment)
        {
            environment[name] = value;
        }

        environment[Port] = ports.Port.ToString(CultureInfo.InvariantCulture);
        environment[PlatformPort] = ports.PlatformPort.ToString(CultureInfo.InvariantCulture);
        environment[FunctionPath] = sourcePath;
        environment[Handler] = spec.Handler;
        environment[ContainerConcurrency] = spec.ContainerConcurrency.ToString(CultureInfo.InvariantCulture);
        environment[FunctionTimeout] = spec.TimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        environment[InstanceId] = instanceId;
        environment[Service] = spec.Function ?? spec.Key.Name;
        environment[Configuration] = spec.Function ?? spec.Key.Name;
        // Knative's runtime contract: the Revision's name (hello-00002); the content hash only where no revision was cut.
        environment[Revision] = spec.RevisionName ?? spec.Revision;
        environment[Namespace] = spec.Key.Namespace;
        return environment;
    }

    private static bool IsAllowed(string name) =>
        !name.StartsWith(PlatformVariablePrefix, StringComparison.OrdinalIgnoreCase)
        && name != InlineSocketCompletions
        && (AllowedPlatformVariables.Contains(name, StringComparer.Ordinal) || name.StartsWith(LocalePrefix, StringComparison.Ordinal));
}
