using System.ComponentModel;
using System.Globalization;
using System.Net.Sockets;
using Serverless.Core.Contracts;

namespace Serverless.Backends.Local.Processes;

/// <summary>
/// Starts one instance of a spec: resolves the runtime command, checks the source, picks a port, spawns.
/// A runtime that cannot start at all comes back as a problem message instead of an instance.
/// </summary>
internal static class InstanceStarter
{
    private const int RevisionPrefixLength = 8;

    public static async Task<(LocalInstance? Instance, string? Problem)> StartAsync(LocalBackendContext context, FunctionKey key, WorkloadSpec spec)
    {
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

        var sequence = context.NextSequence();
        var revision = spec.Revision.Length > RevisionPrefixLength ? spec.Revision[..RevisionPrefixLength] : spec.Revision;
        var id = string.Create(CultureInfo.InvariantCulture, $"{key.Name}-{revision}-{sequence}");
        int port;
        LocalInstance instance;
        try
        {
            port = PortAllocator.Allocate(context.LiveInstances.Values.Select(i => i.Port).ToHashSet());
            instance = new LocalInstance(
                id,
                sequence,
                spec,
                port,
                context.Layout.LogPath(key, id),
                context.Layout.PidFilePath(id),
                context.Options.LogFileMaxBytes,
                context.Time,
                context.Logger);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SocketException)
        {
            // Reported like a missing runtime, and retried with the same backoff.
            return (null, $"preparing instance {id} failed: {e.Message}");
        }

        var launch = InstanceLaunchBuilder.Build(
            spec, sourcePath, executable, command, port, id, context.PlatformEnvironment(), context.SetprivPath);
        try
        {
            await instance.StartAsync(context.Spawner, launch).ConfigureAwait(false);
        }
        catch (Win32Exception e)
        {
            instance.Log.Dispose();
            return (null, $"starting \"{executable}\" for runtime \"{spec.Runtime}\" failed: {e.Message}");
        }

        return (instance, null);
    }
}
