using System.Collections.Concurrent;
using System.Diagnostics;
using Serverless.Backends.Local.Processes;
using Serverless.Core.Api;

namespace Serverless.Backends.Local.Sandbox;

/// <summary>
/// Resolves each runtime's <see cref="RuntimeInstallation"/> once and caches it. A runtime found on <c>PATH</c> may
/// be a version manager's shell shim (pyenv's <c>python3</c> runs bash, which runs pyenv, which execs the
/// interpreter): such a script is asked for its real interpreter once, so instances start the interpreter directly,
/// sandboxed or not, and the sandbox needs to show only the interpreter's installation.
/// </summary>
internal sealed class RuntimeInstallations
{
    /// <summary>Arguments that make an interpreter print its own executable's path, by runtime name.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ExecutableProbes = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [RuntimeNames.Python] = ["-c", "import sys; print(sys.executable)"],
        [RuntimeNames.Node] = ["-p", "process.execPath"],
    };

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(20);

    private readonly ConcurrentDictionary<(string Runtime, string Executable), Lazy<Task<RuntimeInstallation>>> _cache = new();
    private readonly IReadOnlyList<string> _systemPaths;
    private readonly ProcessSpawner _spawner;

    public RuntimeInstallations(IReadOnlyList<SystemMount> systemMounts, ProcessSpawner spawner)
    {
        _systemPaths = systemMounts.Where(m => m.SymlinkTarget is null).Select(m => m.Path).ToList();
        _spawner = spawner;
    }

    /// <summary>The installation of <paramref name="runtime"/> whose command resolved to <paramref name="executable"/>.</summary>
    public Task<RuntimeInstallation> ResolveAsync(string runtime, string executable, RuntimeCommand command) =>
        _cache.GetOrAdd(
            (runtime, executable),
            key => new Lazy<Task<RuntimeInstallation>>(() => ResolveUncachedAsync(key.Runtime, key.Executable, command))).Value;

    private async Task<RuntimeInstallation> ResolveUncachedAsync(string runtime, string executable, RuntimeCommand command)
    {
        var real = NativeFiles.RealPath(executable) ?? executable;
        if (!IsElf(real) && ExecutableProbes.TryGetValue(runtime, out var probe)
            && await ProbeAsync(executable, probe).ConfigureAwait(false) is { } reported
            && NativeFiles.RealPath(reported) is { } interpreter && IsElf(interpreter))
        {
            real = interpreter;
        }

        var paths = RuntimeInstallation.PathsToBind(real, command.Arguments, _systemPaths, IsDirectory);
        return new RuntimeInstallation(real, paths);
    }

    private async Task<string?> ProbeAsync(string executable, string[] arguments)
    {
        var info = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            using var process = await _spawner.StartAsync(info).ConfigureAwait(false);
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(ProbeTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill();
                return null;
            }

            await errors.ConfigureAwait(false);
            var path = (await output.ConfigureAwait(false)).Trim();
            return process.ExitCode == 0 && Path.IsPathFullyQualified(path) ? path : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            // Not fatal: the instance then starts the shim as before, and says so if it cannot.
            return null;
        }
    }

    private static bool? IsDirectory(string path) =>
        Directory.Exists(path) ? true : File.Exists(path) ? false : null;

    private static bool IsElf(string path)
    {
        try
        {
            Span<byte> magic = stackalloc byte[4];
            using var file = File.OpenRead(path);
            return file.Read(magic) == 4 && magic[0] == 0x7f && magic[1] == (byte)'E' && magic[2] == (byte)'L' && magic[3] == (byte)'F';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
