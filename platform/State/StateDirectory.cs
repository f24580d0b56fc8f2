using Microsoft.Extensions.Logging;

namespace Serverless.Platform.State;

/// <summary>
/// The state directory (<c>SERVERLESS_HOME</c>) is private to the user who runs the platform: 0700, so no other
/// user can open the databases, logs, token or artifacts inside, whatever their own modes. It is never mounted into
/// a sandbox; instances see only their artifact and runtime, bound by path.
/// </summary>
internal static partial class StateDirectory
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Creates the directory as 0700 (missing parents get the default mode); an existing one is left to <see cref="Secure"/>. Returns
    /// a problem when the directory is a shared one (sticky bit, as <c>/tmp</c>): tightening it would break every
    /// other user of it, and state kept there would not be private anyway.
    /// </summary>
    public static string? Create(string home)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(home);
            return null;
        }

        Directory.CreateDirectory(home, Private);
        var mode = File.GetUnixFileMode(home);
        return (mode & UnixFileMode.StickyBit) == 0
            ? null
            : $"state directory {home} is shared (mode {Octal(mode)}, sticky): use a directory of its own, e.g. SERVERLESS_HOME={Path.Combine(home, "serverless")}";
    }

    /// <summary>Tightens a directory that group or others could enter to 0700, with a log line.</summary>
    public static void Secure(string home, ILogger logger)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = File.GetUnixFileMode(home);
        if ((mode & ~Private) != 0)
        {
            File.SetUnixFileMode(home, Private);
            LogTightened(logger, home, Octal(mode));
        }
    }

    internal static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8);

    [LoggerMessage(EventId = PlatformEventIds.StateDirectoryTightened, Level = LogLevel.Warning, Message = "State directory {Home} had mode {Mode}: changed to 700, so that no other user can read the state")]
    private static partial void LogTightened(ILogger logger, string home, string mode);
}
