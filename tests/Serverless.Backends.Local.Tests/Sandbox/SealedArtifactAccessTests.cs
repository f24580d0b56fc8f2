using System.Diagnostics;
using System.Globalization;
using Serverless.Backends.Local.Sandbox;
using Serverless.TestSupport;

namespace Serverless.Backends.Local.Tests.Sandbox;

/// <summary>
/// Sealed artifacts (func-cli's ArtifactPermissions) stay readable by the sandboxed instance that serves them, with
/// real bubblewrap processes: as root, the instance's uid reads them through the sandbox's group (the setgid
/// <c>artifacts/</c> of platform/State/ArtifactRoot); as another user, the instance keeps that user's uid in its
/// user namespace and reads owner-only files. A file sealed owner-only by root is not readable to the sandboxed
/// uid: the group is what lets it in.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SealedArtifactAccessTests : IDisposable
{
    private const string Content = "exports.handle = async () => 'sealed';";
    private const int Sandbox = SandboxOptions.DefaultId;

    /// <summary>A user the platform could run as when not root: not the sandbox's uid, owning nothing else.</summary>
    private const int PlatformUser = 65531;

    private readonly TempDirectory _temp = new("sealed-artifact");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task PlatformRoot_GroupSealedUnderSetgidArtifacts_SandboxedUidReadsIt()
    {
        if (!RunsAsRoot())
        {
            return;
        }

        // As ArtifactRoot prepares {home}/artifacts and func deploy seals below it: root-owned, the sandbox's group.
        var root = Directory.CreateDirectory(Path.Combine(_temp.Path, "artifacts")).FullName;
        await RunAsync("/usr/bin/chown", "-R", $"0:{Sandbox}", _temp.Path);
        File.SetUnixFileMode(_temp.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("2750", 8));
        var artifact = Seal(root, group: true);
        await RunAsync("/usr/bin/chown", "-R", $"0:{Sandbox}", artifact);

        var read = await ReadInSandboxAsync(artifact, runAs: (Sandbox, Sandbox), outsideUid: null);

        Assert.True(read.ExitCode == 0, read.Error);
        Assert.Equal(Content, read.Output);
    }

    [Fact]
    public async Task PlatformRoot_OwnerOnlySeal_SandboxedUidIsDenied()
    {
        if (!RunsAsRoot())
        {
            return;
        }

        var root = Directory.CreateDirectory(Path.Combine(_temp.Path, "artifacts")).FullName;
        File.SetUnixFileMode(_temp.Path, (UnixFileMode)Convert.ToInt32("755", 8));
        File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("755", 8));
        var artifact = Seal(root, group: false);

        var read = await ReadInSandboxAsync(artifact, runAs: (Sandbox, Sandbox), outsideUid: null);

        Assert.NotEqual(0, read.ExitCode);
        Assert.Contains("Permission denied", read.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlatformNotRoot_OwnerOnlySeal_InstanceKeepsTheUserAndReadsIt()
    {
        if (!RunsAsRoot())
        {
            return; // needs root only to become that other user here
        }

        // The platform's user owns its home and everything func deploy sealed there, owner-only.
        var root = Directory.CreateDirectory(Path.Combine(_temp.Path, "artifacts")).FullName;
        File.SetUnixFileMode(_temp.Path, (UnixFileMode)Convert.ToInt32("711", 8));
        var artifact = Seal(root, group: false);
        await RunAsync("/usr/bin/chown", "-R", $"{PlatformUser}:{PlatformUser}", root);
        File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var read = await ReadInSandboxAsync(artifact, runAs: null, outsideUid: PlatformUser);

        Assert.True(read.ExitCode == 0, read.Error);
        Assert.Equal(Content, read.Output);
    }

    private static bool RunsAsRoot() => NativeFiles.EffectiveUid() == 0;

    /// <summary>An artifact sealed as func deploy seals it: directories 0500 (0550), files 0400 (0440).</summary>
    private static string Seal(string root, bool group)
    {
        var parent = Directory.CreateDirectory(Path.Combine(root, "default", "hello")).FullName;
        var artifact = Directory.CreateDirectory(Path.Combine(parent, "0123456789abcdef")).FullName;
        var file = Path.Combine(artifact, "index.js");
        File.WriteAllText(file, Content);
        File.SetUnixFileMode(file, (UnixFileMode)Convert.ToInt32(group ? "440" : "400", 8));
        foreach (var directory in new[] { artifact, parent, Path.GetDirectoryName(parent)! })
        {
            File.SetUnixFileMode(directory, (UnixFileMode)Convert.ToInt32(group ? "2550" : "500", 8));
        }

        return artifact;
    }

    /// <summary>
    /// The instance's sandbox as the backend builds it, with <c>cat</c> as its runtime, reading the artifact's file
    /// from inside. <paramref name="outsideUid"/> starts bubblewrap as that user (a platform that is not root).
    /// </summary>
    private static async Task<(int ExitCode, string Output, string Error)> ReadInSandboxAsync(string artifact, (int, int)? runAs, int? outsideUid)
    {
        var layout = new SandboxLayout
        {
            BwrapPath = ExecutableOnPath("bwrap"),
            SystemMounts = SystemMounts.Discover(),
            RunAs = runAs,
            SetprivPath = runAs is null ? null : ExecutableOnPath("setpriv"),
            RuntimePaths = [],
            ArtifactPath = artifact,
            HiddenPaths = [],
        };
        var argv = SandboxCommandBuilder.Build(layout, "/bin/cat", [Path.Combine(artifact, "index.js")]).ToList();

        // Its parent-death signal follows the forking thread, here a pool thread that may retire mid-read (the
        // backend forks on one long-lived thread, ProcessSpawner); this test is about file access only.
        argv.Remove("--die-with-parent");
        if (outsideUid is { } uid)
        {
            var id = uid.ToString(CultureInfo.InvariantCulture);
            argv.InsertRange(0, [ExecutableOnPath("setpriv"), "--reuid=" + id, "--regid=" + id, "--clear-groups", "--"]);
        }

        return await RunAsync(argv[0], [.. argv.Skip(1)]);
    }

    private static string ExecutableOnPath(string name) =>
        Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} is not installed (scripts/sandbox-tools)");

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var (stdout, stderr) = (await output, await error);
        return (process.ExitCode, stdout, $"exit {process.ExitCode}: {stderr}");
    }
}
