using System.Globalization;
using Serverless.Cli.App;
using Serverless.Cli.Project;
using Serverless.Core.Api;
using Serverless.Core.Defaulting;
using Serverless.Core.Workloads;

namespace Serverless.Cli.Running;

/// <summary>
/// How <c>func run</c> starts a function's runtime without the platform: the same executable, arguments
/// and runtime contract variables (PORT, FUNCTION_PATH, HANDLER…) the local backend uses. Pure.
/// </summary>
internal sealed record LocalRunPlan(string Executable, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment)
{
    /// <param name="runtimesDirectory">The install layout's <c>runtimes/</c>.</param>
    /// <param name="artifactDirectory">What the runtime loads: the publish output (C#) or the source directory.</param>
    /// <exception cref="CliException">The runtime is not installed, or a C# function has no handler.</exception>
    /// <param name="platformPort">PLATFORM_PORT: the runtime's /readyz, which <c>func run</c> waits on, and /metrics.</param>
    public static LocalRunPlan Build(FunctionProject project, string runtimesDirectory, string artifactDirectory, int port, int platformPort, Func<string, bool> fileExists)
    {
        var (executable, entry) = project switch
        {
            // build.native: the artifact is the runtime and the function in one executable.
            { Runtime: RuntimeNames.Dotnet, Native: true } => (Path.Combine(artifactDirectory, NativeFunctionManifest.DefaultEntry), ""),
            { Runtime: RuntimeNames.Dotnet } => ("dotnet", Path.Combine(runtimesDirectory, "dotnet", "Serverless.Runtime.Dotnet.dll")),
            { Runtime: RuntimeNames.Node } => ("node", Path.Combine(runtimesDirectory, "node", "index.js")),
            _ => ("python3", Path.Combine(runtimesDirectory, "python", "runtime.py")),
        };
        if (entry.Length > 0 && !fileExists(entry))
        {
            throw new CliException(
                $"the {project.Runtime} runtime is not installed: no {entry}",
                "build the install layout with scripts/build (or run ./func, which builds it), or point SERVERLESS_RUNTIMES at a runtimes directory");
        }

        var handler = project.Handler ?? FunctionDefaults.DefaultHandler(project.Runtime)
            ?? throw new CliException($"func.yaml of {project.Name} sets no handler, and {project.Runtime} has no default", "set `handler: Assembly::Namespace.Type::Method` in func.yaml");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entryVar in project.Env)
        {
            environment[entryVar.Name!] = entryVar.Value ?? "";
        }

        // The contract variables last: func.yaml cannot override them, as on the platform.
        environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        environment["PLATFORM_PORT"] = platformPort.ToString(CultureInfo.InvariantCulture);
        environment["FUNCTION_PATH"] = artifactDirectory;
        environment["HANDLER"] = handler;
        environment["CONTAINER_CONCURRENCY"] = (project.Scale?.ContainerConcurrency ?? FunctionDefaults.ContainerConcurrency).ToString(CultureInfo.InvariantCulture);
        environment["FUNCTION_TIMEOUT"] = (project.TimeoutSeconds ?? FunctionDefaults.TimeoutSeconds).ToString(CultureInfo.InvariantCulture);
        environment["INSTANCE_ID"] = project.Name + "-local";
        environment["K_SERVICE"] = project.Name;
        environment["K_CONFIGURATION"] = project.Name;
        environment["K_REVISION"] = "local"; // no deployed revision: the build on disk
        return new LocalRunPlan(executable, entry.Length > 0 ? [entry] : [], environment);
    }
}
