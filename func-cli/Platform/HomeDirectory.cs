namespace Serverless.Cli.Platform;

/// <summary>The platform's state directory: <c>$SERVERLESS_HOME</c>, else <c>~/.serverless</c>.</summary>
internal static class HomeDirectory
{
    public const string Variable = "SERVERLESS_HOME";
    public const string DefaultName = ".serverless";

    public static string Resolve(Func<string, string?> environment)
    {
        if (environment(Variable) is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured);
        }

        var user = environment("HOME") is { Length: > 0 } home
            ? home
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(user, DefaultName);
    }

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static string Logs(string home) => Path.Combine(home, "logs");

    public static string PlatformLog(string home) => Path.Combine(Logs(home), "platform.log");

    /// <summary>
    /// Creates the home as 0700 (missing parents get the default mode): it holds the state database, the admin token and every
    /// function's code and logs. An existing one is left alone; the platform tightens it when it starts.
    /// </summary>
    public static void Create(string home)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(home);
            return;
        }

        Directory.CreateDirectory(home, OwnerOnly);
    }

    /// <summary>Appends to platform.log, which is created, or tightened to, 0600: the log names functions, paths and errors.</summary>
    public static async Task AppendToPlatformLogAsync(string home, string text, CancellationToken cancellationToken)
    {
        var path = PlatformLog(home);
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite };
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(Logs(home));
        }
        else
        {
            Directory.CreateDirectory(Logs(home), OwnerOnly);
            options.UnixCreateMode = OwnerReadWrite;
            if (File.Exists(path) && File.GetUnixFileMode(path) != OwnerReadWrite)
            {
                File.SetUnixFileMode(path, OwnerReadWrite);
            }
        }

        var stream = new FileStream(path, options);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), cancellationToken).ConfigureAwait(false);
        }
    }
}
