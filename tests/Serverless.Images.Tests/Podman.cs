using Serverless.TestSupport;

namespace Serverless.Images.Tests;

/// <summary>
/// The podman CLI (Debian's, no daemon) on a storage of its own under <c>.out/images/.podman</c>, so the tests
/// neither see nor touch anyone else's containers and images.
/// </summary>
internal sealed class Podman
{
    private readonly string[] _global;

    private Podman(string state, string driver)
    {
        Driver = driver;
        _global =
        [
            "--root", Path.Combine(state, "storage-" + driver),
            "--runroot", Path.Combine(state, "run"),
            "--tmpdir", Path.Combine(state, "tmp"),
            "--storage-driver", driver,
            // runc, not crun: Debian's crun 1.8 refuses hosts with hybrid cgroups (v1 controllers beside a v2
            // mount). cgroupfs: no systemd needed. Events to a file: no journald needed.
            "--runtime", "runc",
            "--cgroup-manager", "cgroupfs",
            "--events-backend", "file",
        ];
    }

    public string Driver { get; }

    /// <summary>Overlay where the kernel mounts it (podman checks when it opens the store), vfs (full copies) otherwise.</summary>
    public static async Task<Podman> OpenAsync(string state)
    {
        var overlay = new Podman(state, "overlay");
        if ((await overlay.RunAsync(["images", "--quiet"], TimeSpan.FromSeconds(60))).ExitCode == 0)
        {
            return overlay;
        }

        var vfs = new Podman(state, "vfs");
        await vfs.CheckedAsync(["images", "--quiet"], TimeSpan.FromSeconds(60));
        return vfs;
    }

    public Task<ProcessRunner.Result> RunAsync(IEnumerable<string> arguments, TimeSpan timeout) =>
        ProcessRunner.RunAsync("podman", [.. _global, .. arguments], timeout: timeout);

    /// <summary>Runs podman and returns its standard output; a non-zero exit fails with what podman said.</summary>
    public async Task<string> CheckedAsync(IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var result = await RunAsync(arguments, timeout);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"podman {string.Join(' ', arguments)}: {result}");
        }

        return result.StdOut;
    }
}
