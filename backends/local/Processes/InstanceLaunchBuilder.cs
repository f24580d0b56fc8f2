using System.Globalization;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Local.Processes;

/// <summary>Builds the command line and environment of an instance; pure, so the rules are table-tested.</summary>
internal static class InstanceLaunchBuilder
{
    /// <summary>Platform variables (the admin token among them) that must never reach function code.</summary>
    public const string PlatformVariablePrefix = "SERVERLESS_";

    /// <summary>
    /// The platform's own socket tuning (platform/SocketTuning.cs): safe for the proxy, whose code never blocks,
    /// not for function code that may. A function that wants it sets it in its own <c>env</c>.
    /// </summary>
    public const string InlineSocketCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public const string Port = "PORT";
    public const string FunctionPath = "FUNCTION_PATH";
    public const string Handler = "HANDLER";
    public const string ContainerConcurrency = "CONTAINER_CONCURRENCY";
    public const string FunctionTimeout = "FUNCTION_TIMEOUT";

    /// <summary>The instance id, for runtimes that include it in their logs or responses.</summary>
    public const string InstanceId = "INSTANCE_ID";

    /// <summary>
    /// The environment is the platform's own (minus <see cref="PlatformVariablePrefix"/> variables), then the
    /// function's <c>env</c>, then the variables the runtime contract defines, which the function cannot override.
    /// </summary>
    public static InstanceLaunch Build(
        WorkloadSpec spec,
        string sourcePath,
        string executablePath,
        RuntimeCommand command,
        int port,
        string instanceId,
        IEnumerable<KeyValuePair<string, string>> platformEnvironment,
        string? setprivPath)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in platformEnvironment)
        {
            if (!name.StartsWith(PlatformVariablePrefix, StringComparison.OrdinalIgnoreCase) && name != InlineSocketCompletions)
            {
                environment[name] = value;
            }
        }

        foreach (var (name, value) in spec.Environment)
        {
            environment[name] = value;
        }

        environment[Port] = port.ToString(CultureInfo.InvariantCulture);
        environment[FunctionPath] = sourcePath;
        environment[Handler] = spec.Handler;
        environment[ContainerConcurrency] = spec.ContainerConcurrency.ToString(CultureInfo.InvariantCulture);
        environment[FunctionTimeout] = spec.TimeoutSeconds.ToString(CultureInfo.InvariantCulture);
        environment[InstanceId] = instanceId;

        return setprivPath is null
            ? new InstanceLaunch(executablePath, command.Arguments, sourcePath, environment)
            : new InstanceLaunch(setprivPath, ["--pdeathsig", "KILL", "--", executablePath, .. command.Arguments], sourcePath, environment);
    }
}
