using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Serverless.Platform.State;

/// <summary>
/// <c>{home}/artifacts</c>, where <c>func deploy</c> installs sealed, read-only artifacts (func-cli's
/// <c>Build/ArtifactStore</c>). Who may read them:
/// <list type="bullet">
/// <item>Platform not root: instances run as the platform's user, so artifacts are owner-only (files 0400, or 0500
/// when executable; directories 0500).</item>
/// <item>Platform root: sandboxed instances run as an unprivileged uid and the sandbox's gid, and read their artifact
/// through a read-only bind mount, where only the files' own modes count. The platform gives this directory to that
/// group with the setgid bit (mode 2750), so everything <c>func deploy</c> creates below inherits the group, and
/// <c>func deploy</c>, seeing the bit, seals artifacts group-readable (0440/0550, 0550 directories).</item>
/// </list>
/// Other users read nothing either way; the state directory itself (0700) is never mounted into a sandbox.
/// </summary>
internal static partial class ArtifactRoot
{
    public const string DirectoryName = "artifacts";

    /// <summary>Records the gid the tree was last given, so a changed gid regroups what is already installed.</summary>
    private const string GroupMarker = ".group";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode SharedWithGroup = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.SetGroup;

    public static string PathIn(string home) => Path.Combine(home, DirectoryName);

    /// <summary>Creates the directory (0700) and, when <paramref name="sandboxGroup"/> is set, gives the tree to that group.</summary>
    /// <param name="sandboxGroup">
    /// The gid instances run with when the platform is root; null when they run as the platform's own user.
    /// </param>
    /// <exception cref="IOException">A chown failed.</exception>
    public static void Prepare(string home, int? sandboxGroup, ILogger logger)
    {
        var root = PathIn(home);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(root);
            return;
        }

        Directory.CreateDirectory(root, OwnerOnly);
        if (sandboxGroup is not { } group)
        {
            return;
        }

        var marker = Path.Combine(root, GroupMarker);
        if (ReadMarker(marker) != group)
        {
            // Artifacts installed earlier (by a version without this, or for another gid) would be unreadable to
            // the sandbox: give them the group too. Once per change of gid, so a start does not walk the tree.
            var entries = Regroup(root, group);
            WriteMarker(marker, group);
            LogRegrouped(logger, root, group, entries);
        }
        else
        {
            ChangeGroup(root, group);
        }

        File.SetUnixFileMode(root, SharedWithGroup);
    }

    private static int? ReadMarker(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var gid) ? gid : null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void WriteMarker(string path, int group)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
        using var writer = new StreamWriter(new FileStream(path, options));
        writer.Write(group.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Changes the group of the tree, links included but never followed, and sets the setgid bit on its directories
    /// so that what is created in them later inherits the group; returns how many entries it changed. An artifact
    /// sealed owner-only before (0400, 0500) becomes group-readable (0440, 0550), the mode
    /// <c>func deploy</c> seals with under a setgid root: never group-writable, and readable by the sandbox at once
    /// rather than after the next deploy.
    /// </summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static int Regroup(string root, int group)
    {
        ChangeGroup(root, group);
        File.SetUnixFileMode(root, WithGroupReading(File.GetUnixFileMode(root)) | UnixFileMode.SetGroup);
        var count = 1;
        foreach (var item in new DirectoryInfo(root).EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false }))
        {
            if (item is DirectoryInfo directory && directory.LinkTarget is null)
            {
                count += Regroup(directory.FullName, group);
            }
            else
            {
                ChangeGroup(item.FullName, group);
                if (item.LinkTarget is null)
                {
                    File.SetUnixFileMode(item.FullName, WithGroupReading(File.GetUnixFileMode(item.FullName)));
                }

                count++;
            }
        }

        return count;
    }

    /// <summary>The group may read what the owner may read, and enter or run what the owner may; never write.</summary>
    private static UnixFileMode WithGroupReading(UnixFileMode mode) =>
        mode
        | ((mode & UnixFileMode.UserRead) != 0 ? UnixFileMode.GroupRead : 0)
        | ((mode & UnixFileMode.UserExecute) != 0 ? UnixFileMode.GroupExecute : 0);

    private static void ChangeGroup(string path, int group)
    {
        if (LChown(path, -1, group) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot give {path} to group {group}: {Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    /// <summary>lchown(2): .NET has no API for a file's owner or group. -1 keeps the owner.</summary>
    [DllImport("libc", EntryPoint = "lchown", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int LChown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int owner, int group);

    [LoggerMessage(EventId = PlatformEventIds.ArtifactsRegrouped, Level = LogLevel.Information, Message = "Artifacts in {Root} given to the sandbox's group {Group} ({Entries} entries)")]
    private static partial void LogRegrouped(ILogger logger, string root, int group, int entries);
}
