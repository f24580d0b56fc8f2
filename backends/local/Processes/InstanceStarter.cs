using System.ComponentModel;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Serverless.Backends.Local.Cgroups;
using Serverless.Backends.Local.Sandbox;
using Serverless.Core.Api;
using Serverless.Core.Contracts;
using Serverless.Core.Workloads;

namespace Serverless.Backends.Local.Processes;

/// <summary>
/// Starts one instance of a spec: resolves the runtime, checks the source, picks a port, makes the instance's
/// cgroup, spawns it (in its sandbox unless that is off). A runtime that cannot start at all comes back as a
/// problem message instead of an instance.
/// </summary>
internal static class InstanceStarter
{
    private const int RevisionPrefixLength = 8;

    public static async Task<(LocalInstance? Instance, string? Problem)> StartAsync(LocalBackendContext context, FunctionKey key, WorkloadSpec spec)
    {
        if (context.Sandbox is not null && context.Cgroups is { Version: CgroupVersion.V2 } tree)
        {
            // Off the start's path: it overlaps with everything up to the sandbox's move into its cgroup. Not on v1,
            // where instances are born in their cgroup (InstanceCgroup.TryEnterAsThread): this move would hold the
            // cgroup mutex through a grace period and make the spawner's own step into the cgroup wait for it.
            _ = Task.Run(tree.PrimeMigration);
        }

        if (!context.RuntimeCommands.TryGetValue(spec.Runtime, out var command))
        {
            var configured = string.Join(", ", context.RuntimeCommands.Keys.Order(StringComparer.Ordinal));
            return (null, $"no command is configured for runtime \"{spec.Runtime}\" (configured: {configured})");
        }

        if (ExecutableResolver.Resolve(command.Executable, Environment.GetEnvironmentVariable("PATH")) is not { } executable)
        {
            return (null, $"runtime \"{spec.Runtime}\": executable \"{command.Executable}\" was not found (is the runtime installed and on PATH?)");
        }

        if (spec.SourcePath is not { } sourcePath || !Directory.Exists(sourcePath))
        {
            return (null, $"the function source directory \"{spec.SourcePath}\" does not exist");
        }

        if (context.Options.SourcePolicy?.Check(key.Namespace, spec.Function ?? key.Name, sourcePath) is { } refused)
        {
            // Admission checked it too; this catches a symlink swapped in since.
            return (null, "spec.source.path: " + refused);
        }

        // A native C# function (build.native) is its own executable: started in place of the runtime, same contract.
        var native = NativeEntry(spec, sourcePath, out var nativeProblem);
        if (nativeProblem is not null)
        {
            return (null, nativeProblem);
        }

        var runtime = await context.Runtimes.ResolveAsync(spec.Runtime, executable, command).ConfigureAwait(false);
        var sequence = context.NextSequence();
        var id = InstanceId(key, spec.Revision, sequence);
        int port;
        int platformPort;
        LocalInstance instance;
        InstanceCgroup? cgroup = null;
        try
        {
            var taken = context.LiveInstances.Values.SelectMany(i => new[] { i.Port, i.PlatformPort }).ToHashSet();
            port = PortAllocator.Allocate(taken);
            taken.Add(port);
            platformPort = PortAllocator.Allocate(taken);
            cgroup = context.Cgroups?.Create(id, spec.Resources, context.Options.InstancePidsLimit);
            instance = new LocalInstance(
                id,
                sequence,
                spec,
                port,
                platformPort,
                context.Layout.LogPath(StateLayout.LogOwner(key, spec), id),
                context.Layout.PidFilePath(id),
                context.Options.LogFileMaxBytes,
                context.Time,
                context.Logger,
                context.Options.OutputLineDropped);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SocketException)
        {
            cgroup?.Delete();

            // Reported like a missing runtime, and retried with the same backoff.
            return (null, $"preparing instance {id} failed: {e.Message}");
        }

        SandboxHandshake? handshake = null;
        try
        {
            InstanceLaunch launch;
            if (context.Sandbox is { } sandbox)
            {
                // The block pipe only when there is a cgroup to join before the runtime starts.
                handshake = SandboxHandshake.Create(block: cgroup is not null);
                var layout = sandbox.Layout(
                    runtime, Path.GetFullPath(sourcePath), spec.Resources.EphemeralStorageLimitBytes, handshake.ChildInfoFd, handshake.ChildBlockFd);
                var (sandboxedExecutable, sandboxedCommand) = native is null
                    ? (runtime.Executable, command)
                    : (layout.ArtifactTarget.TrimEnd('/') + "/" + native, new RuntimeCommand(native, []));
                launch = InstanceLaunchBuilder.BuildSandboxed(
                    spec, layout, sandboxedExecutable, sandboxedCommand, new InstancePorts(port, platformPort), id, context.PlatformEnvironment());
            }
            else
            {
                var (plainExecutable, plainCommand) = native is null
                    ? (runtime.Executable, command)
                    : (Path.Combine(Path.GetFullPath(sourcePath), native), new RuntimeCommand(native, []));
                launch = InstanceLaunchBuilder.Build(
                    spec, sourcePath, plainExecutable, plainCommand, new InstancePorts(port, platformPort), id, context.PlatformEnvironment(), context.SetprivPath, context.SetsidPath);
            }

            await instance.StartAsync(context.Spawner, launch, cgroup, handshake).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Win32Exception or IOException)
        {
            handshake?.Dispose();
            cgroup?.Delete();
            instance.Log.Dispose();
            return (null, $"starting \"{runtime.Executable}\" for runtime \"{spec.Runtime}\" failed: {e.Message}");
        }

        return (instance, null);
    }

    /// <summary>
    /// The executable's file name when <paramref name="sourcePath"/> holds a native C# function
    /// (<see cref="NativeFunctionManifest"/>), else null; a problem when it holds one that cannot run here.
    /// </summary>
    public static string? NativeEntry(WorkloadSpec spec, string sourcePath, out string? problem)
    {
        problem = null;
        if (spec.Runtime != RuntimeNames.Dotnet || NativeFunctionManifest.Read(sourcePath, out problem) is not { } manifest)
        {
            return null;
        }

        problem = manifest.Mismatch(RuntimeInformation.RuntimeIdentifier, spec.Handler);
        if (problem is null)
        {
            var entry = new FileInfo(Path.Combine(sourcePath, manifest.Entry));
            problem = !entry.Exists || entry.LinkTarget is not null
                ? $"{NativeFunctionManifest.FileName}: entry \"{manifest.Entry}\" is not a file of the artifact"
                : (entry.UnixFileMode & UnixFileMode.UserExecute) == 0 ? $"{NativeFunctionManifest.FileName}: entry \"{manifest.Entry}\" is not executable" : null;
        }

        return problem is null ? manifest.Entry : null;
    }

    /// <summary>
    /// A function's instance id, <c>{function}-{revision prefix}-{sequence}</c>: what <c>func logs</c>, <c>func top</c>
    /// and the platform's log show. A pool instance takes one when its function adopts it.
    /// </summary>
    public static string InstanceId(FunctionKey key, string revision, long sequence)
    {
        var prefix = revision.Length > RevisionPrefixLength ? revision[..RevisionPrefixLength] : revision;
        return string.Create(CultureInfo.InvariantCulture, $"{key.Name}-{prefix}-{sequence}");
    }

    /// <summary>
    /// Starts a generic instance of <paramref name="runtime"/> for the pool, in a cgroup with the platform's pids limit
    /// and no other limit (what a function without resource limits gets), its log under the pool's directory. With the
    /// sandbox on, inside a sandbox whose function directory is the instance's own staging directory, empty until its
    /// specialization fills it.
    /// </summary>
    public static async Task<(LocalInstance? Instance, string? Problem)> StartGenericAsync(LocalBackendContext context, string runtime, string token)
    {
        if (!context.RuntimeCommands.TryGetValue(runtime, out var command))
        {
            return (null, $"no command is configured for runtime \"{runtime}\"");
        }

        if (ExecutableResolver.Resolve(command.Executable, Environment.GetEnvironmentVariable("PATH")) is not { } executable)
        {
            return (null, $"runtime \"{runtime}\": executable \"{command.Executable}\" was not found");
        }

        var installation = await context.Runtimes.ResolveAsync(runtime, executable, command).ConfigureAwait(false);
        var sequence = context.NextSequence();
        var id = string.Create(CultureInfo.InvariantCulture, $"pool-{runtime}-{sequence}");
        var key = new FunctionKey(WarmPool.PoolNamespace, runtime);
        var placeholder = new WorkloadSpec
        {
            Key = key,
            Revision = "generic",
            Runtime = runtime,
            Handler = "",
            TimeoutSeconds = 1,
            ContainerConcurrency = 0,
        };
        var staging = context.Sandbox is null ? null : context.Layout.StagingDirectory(id);
        LocalInstance instance;
        InstanceCgroup? cgroup = null;
        int port;
        int platformPort;
        try
        {
            var taken = context.LiveInstances.Values.SelectMany(i => new[] { i.Port, i.PlatformPort }).ToHashSet();
            port = PortAllocator.Allocate(taken);
            taken.Add(port);
            platformPort = PortAllocator.Allocate(taken);
            if (staging is not null)
            {
                ArtifactStaging.Create(staging);
            }

            cgroup = context.Cgroups?.Create(id, WorkloadResources.None, context.Options.InstancePidsLimit);
            instance = new LocalInstance(
                id, sequence, placeholder, port, platformPort, context.Layout.LogPath(key, id), context.Layout.PidFilePath(id),
                context.Options.LogFileMaxBytes, context.Time, context.Logger)
            {
                SpecializeToken = token,
                StagingDirectory = staging,
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SocketException)
        {
            cgroup?.Delete();
            RemoveStaging(context, staging);
            return (null, $"preparing pool instance {id} failed: {e.Message}");
        }

        SandboxHandshake? handshake = null;
        try
        {
            InstanceLaunch launch;
            if (context.Sandbox is { } sandbox)
            {
                handshake = SandboxHandshake.Create(block: cgroup is not null);
                var layout = sandbox.Layout(installation, staging!, tmpfsSizeBytes: null, handshake.ChildInfoFd, handshake.ChildBlockFd) with
                {
                    ArtifactMountPath = SandboxPaths.PooledFunction,
                };
                launch = InstanceLaunchBuilder.BuildGenericSandboxed(
                    layout, installation.Executable, command, new InstancePorts(port, platformPort), id, token, context.PlatformEnvironment());
            }
            else
            {
                launch = InstanceLaunchBuilder.BuildGeneric(
                    context.Layout.Root, installation.Executable, command, new InstancePorts(port, platformPort), id, token,
                    context.PlatformEnvironment(), context.SetprivPath, context.SetsidPath);
            }

            await instance.StartAsync(context.Spawner, launch, cgroup, handshake).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Win32Exception or IOException)
        {
            handshake?.Dispose();
            cgroup?.Delete();
            RemoveStaging(context, staging);
            instance.Log.Dispose();
            return (null, $"starting \"{installation.Executable}\" for the pool of runtime \"{runtime}\" failed: {e.Message}");
        }

        return (instance, null);
    }

    private static void RemoveStaging(LocalBackendContext context, string? staging)
    {
        if (staging is null)
        {
            return;
        }

        try
        {
            ArtifactStaging.Remove(staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LocalBackendLog.StagingRemoveFailed(context.Logger, staging, e);
        }
    }
}
